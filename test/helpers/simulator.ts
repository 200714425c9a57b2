// Calling the WhatsApp simulator in Workers-runtime tests. The test env has DEV_SIMULATOR off, so
// these helpers call the app with it switched on; the worker's own Graph calls (background media
// downloads to https://graph.test) are routed to the simulator as well.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { createApp } from "../../worker/app";
import type { Env } from "../../worker/env";
import { simulator } from "../../worker/dev/simulator";
import { createWhatsAppClient } from "../../worker/whatsapp";

export const ORIGIN = "https://townwire.test";
export const GRAPH = `${ORIGIN}/__dev/graph/v23.0`;
export const PHONE_ID = "106540352242922";
export const WABA_ID = "102290129340398";
export const TOKEN = "test-access-token";

const app = createApp();
export const simEnv = { ...env, DEV_SIMULATOR: "true", WHATSAPP_API_BASE: GRAPH } as Env;

/** Calls the app with the simulator switched on. */
export async function dev(path: string, init?: RequestInit, withEnv: Env = simEnv): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(new URL(path, ORIGIN), init), withEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const simFetch = (input: RequestInfo | URL, init?: RequestInit) =>
  dev(new Request(input, init).url.slice(ORIGIN.length), init);

/** The worker's real Graph client, pointed at the simulator. */
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

/** Empties the simulator and routes https://graph.test and /__dev URLs to it. Call in beforeEach. */
export async function useSimulator(): Promise<void> {
  await simulator(env).reset();
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new Request(input, init).url;
    if (url.startsWith("https://graph.test/v23.0/")) return dev(url.replace("https://graph.test", "/__dev/graph"), init);
    if (url.startsWith(`${ORIGIN}/__dev/`)) return simFetch(input, init);
    return original(input, init);
  });
}
