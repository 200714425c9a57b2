// Delivers a webhook from the simulator to the product's /webhooks/whatsapp, signed as Meta signs
// it: HMAC-SHA256 over the exact raw bytes (with Meta's \u escaping) using the app secret.
import { getConfig, type Env } from "./env";
import { signBody } from "../worker/whatsapp/signature";
import { metaJson } from "./webhook-payloads";

export interface Delivery {
  /** HTTP status the webhook answered with (0 when it could not be reached at all). */
  status: number;
  /** The webhook's answer (or the error), shortened, for the simulator's delivery log. */
  body: string;
}

const encoder = new TextEncoder();

/** The request Meta would make: URL and init (reusable: the body is a byte array, not a stream). */
export async function signedWebhookRequest(env: Env, origin: string, payload: unknown): Promise<{ url: string; init: RequestInit }> {
  const raw = encoder.encode(metaJson(payload));
  const signature = await signBody(raw, getConfig(env).WHATSAPP_APP_SECRET);
  return {
    url: new URL("/webhooks/whatsapp", origin).toString(),
    init: {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": signature,
        "user-agent": "facebookexternalua",
      },
      body: raw,
    },
  };
}

/**
 * Posts to the product Worker through the PRODUCT service binding: a real, separate request with
 * the same raw bytes, as Meta makes it, without leaving the runtime (the URL's origin is only what
 * the product sees as its own host).
 */
export async function deliverWebhook(env: Env, origin: string, payload: unknown): Promise<Delivery> {
  const { url, init } = await signedWebhookRequest(env, origin, payload);
  let res: Response;
  try {
    res = await env.PRODUCT.fetch(url, init);
  } catch (err) {
    return { status: 0, body: err instanceof Error ? err.message : String(err) };
  }
  const text = await res.text().catch(() => "");
  return { status: res.status, body: text.slice(0, 500) };
}
