// The browser side of passkeys: @simplewebauthn/browser turns the server's options into the
// navigator.credentials calls and their answers back into JSON. Loaded on demand (import()), so the
// staff app's first load does not carry it.
import { ApiError, call } from "../lib/api";
import { client, type Input } from "../lib/client";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";

// The options and answers are WebAuthn's own JSON shapes (the library defines them on both sides). The
// typed client's JSON mapping cannot express their binary extension fields (BufferSource), so the two
// directions are bridged here, in one place, and the server's zod schema checks every answer.
type RegistrationBody = Input<typeof client.api.auth.passkeys.register.verify.$post>["json"]["response"];
type AuthenticationBody = Input<typeof client.api.auth.passkeys.login.verify.$post>["json"]["response"];
import { currentStaff, sessionEnded, totpSetupRequired } from "../lib/session";
import { tk } from "./passkey-strings";

const lib = () => import("@simplewebauthn/browser");

export const passkeysSupported = () => typeof window !== "undefined" && typeof window.PublicKeyCredential === "function";

/** A German/English sentence for the browser's own WebAuthn errors (cancelled, not allowed), else null. */
export function webauthnErrorText(err: unknown): string | null {
  if (err instanceof ApiError) return null;
  const name = err instanceof Error ? err.name : "";
  if (name === "NotAllowedError" || name === "AbortError" || name === "WebAuthnError") return tk("cancelled");
  if (name === "NotSupportedError" || name === "SecurityError") return tk("unsupported");
  return null;
}

export async function createPasskey(name: string): Promise<void> {
  const { startRegistration } = await lib();
  const optionsJSON = (await call(client.api.auth.passkeys.register.options.$post())) as PublicKeyCredentialCreationOptionsJSON;
  const response = (await startRegistration({ optionsJSON })) as unknown as RegistrationBody;
  await call(client.api.auth.passkeys.register.verify.$post({ json: { name, response } }));
}

/** Signs in with a passkey the browser offers; sets the session like the password sign-in does. */
export async function signInWithPasskey(): Promise<void> {
  const { startAuthentication } = await lib();
  const optionsJSON = (await call(client.api.auth.passkeys.login.options.$post(), { quiet401: true })) as PublicKeyCredentialRequestOptionsJSON;
  const response = (await startAuthentication({ optionsJSON })) as unknown as AuthenticationBody;
  const res = await call(client.api.auth.passkeys.login.verify.$post({ json: { response } }), { quiet401: true });
  totpSetupRequired.value = res.totpSetupRequired;
  currentStaff.value = res.staff;
  sessionEnded.value = false;
}
