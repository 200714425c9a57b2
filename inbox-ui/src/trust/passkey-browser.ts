// The browser side of passkeys: @simplewebauthn/browser turns the server's options into the
// navigator.credentials calls and their answers back into JSON. Loaded on demand (import()), so the
// staff app's first load does not carry it.
import { api, ApiError } from "../lib/api";
import { currentStaff, sessionEnded, totpSetupRequired } from "../lib/session";
import type { StaffIdentity } from "../lib/types";
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
  const optionsJSON = await api<Parameters<typeof startRegistration>[0]["optionsJSON"]>("/api/auth/passkeys/register/options", { method: "POST", body: {} });
  const response = await startRegistration({ optionsJSON });
  await api("/api/auth/passkeys/register/verify", { method: "POST", body: { name, response } });
}

/** Signs in with a passkey the browser offers; sets the session like the password sign-in does. */
export async function signInWithPasskey(): Promise<void> {
  const { startAuthentication } = await lib();
  const optionsJSON = await api<Parameters<typeof startAuthentication>[0]["optionsJSON"]>("/api/auth/passkeys/login/options", { method: "POST", body: {}, quiet401: true });
  const response = await startAuthentication({ optionsJSON });
  const res = await api<{ staff: StaffIdentity; totpSetupRequired: boolean }>("/api/auth/passkeys/login/verify", { method: "POST", body: { response }, quiet401: true });
  totpSetupRequired.value = res.totpSetupRequired;
  currentStaff.value = res.staff;
  sessionEnded.value = false;
}
