// Calling the WhatsApp simulator in Workers-runtime tests. The dev Worker is the Worker under test
// (exports.default: /__dev here, everything else passed on to the product, an auxiliary Worker);
// the product's own Graph calls (WHATSAPP_API_BASE) come back to it over HTTP.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env as testEnv, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { devApp } from "../app";
import type { Env } from "../env";
import { simulator } from "../simulator";
import { createWhatsAppClient } from "../../worker/whatsapp";

/** The dev Worker's bindings and configuration (the global test env is typed as the product's). */
export const env = testEnv as unknown as Env;

export const ORIGIN = "https://townwire.test";
export const GRAPH = `${ORIGIN}/__dev/graph/v23.0`;
export const PHONE_ID = "106540352242922";
export const WABA_ID = "102290129340398";
export const TOKEN = "test-access-token";

/**
 * Calls the dev Worker (and through it the product) as a browser or Meta's client would; with
 * `withEnv`, calls the dev routes with that configuration instead.
 */
export async function dev(path: string, init?: RequestInit, withEnv?: Env): Promise<Response> {
  const request = new Request(new URL(path, ORIGIN), init);
  if (!withEnv) return exports.default.fetch(request);
  const ctx = createExecutionContext();
  const res = await devApp.fetch(request, withEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const simFetch = (input: RequestInfo | URL, init?: RequestInit) =>
  dev(new Request(input, init).url.slice(ORIGIN.length), init);

/** The product's real Graph client, pointed at the simulator. */
export const simClient = (accessToken = TOKEN) =>
  createWhatsAppClient({ apiBase: GRAPH, accessToken, phoneNumberId: PHONE_ID, businessAccountId: WABA_ID, fetch: simFetch });

export const graphPost = (path: string, body: unknown, token = TOKEN) =>
  dev(`/__dev/graph/v23.0${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The phone page's "send" as a citizen. */
export const asCitizen = (waId: string, body: unknown) =>
  dev(`/__dev/api/phones/${waId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Empties the simulator and routes /__dev URLs fetched by code in the test itself to it. Call in beforeEach. */
export async function useSimulator(): Promise<void> {
  await simulator(env).reset();
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new Request(input, init).url;
    if (url.startsWith(`${ORIGIN}/__dev/`)) return simFetch(input, init);
    return original(input, init);
  });
}
