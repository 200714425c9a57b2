// Graph API client for one phone number. Typed results; failures become classified GraphApiErrors.
import type { z } from "zod";
import { ConnectionLimit, LateStart, SlotWaitAborted } from "./connection-limit";
import { classifyGraphError, type GraphApiError, networkError, RetryableError } from "./errors";
import {
  graphErrorEnvelopeSchema,
  mediaInfoSchema,
  sendResponseSchema,
  templateCreatedSchema,
  templateListSchema,
  type MediaInfo,
} from "./schemas";

export interface WhatsAppClientOptions {
  /** e.g. https://graph.facebook.com/v23.0 (no trailing slash) */
  apiBase: string;
  accessToken: string;
  phoneNumberId: string;
  businessAccountId?: string;
  fetch?: typeof fetch;
  /** Per-request timeout in ms (includes the wait for a free connection, as in production). */
  timeoutMs?: number;
  /** Shared by all calls of this client; see connection-limit.ts. */
  connections?: ConnectionLimit;
}

/** A citizen's address: phone number when known, else the business-scoped user id. */
export interface Recipient {
  waId?: string | null;
  userId?: string | null;
}

export interface SendOptions {
  /** Comes back verbatim on every status webhook for this message. */
  callbackData?: string;
  /** wamid of a message this one replies to. */
  replyTo?: string;
  /** Epoch ms: if the request cannot leave by then (no free connection yet), it fails with LateStart unsent. */
  startBy?: number;
}

export interface SendResult {
  wamid: string;
}

export interface TemplateSend {
  name: string;
  language: string;
  components?: unknown[];
}

export interface ListSection {
  title?: string;
  rows: { id: string; title: string; description?: string }[];
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components: { type: string; text?: string }[];
}

type Json = Record<string, unknown>;

/**
 * The type-specific part of a message (`type` and its object), without the address. Plain JSON, so
 * it can be prepared once and handed to whoever sends it (the broadcast pacer).
 */
export type OutboundMessage = Json;

export const textMessage = (text: string, previewUrl = false): OutboundMessage => ({ type: "text", text: { body: text, preview_url: previewUrl } });

/** Image by public link or by an uploaded media id. */
export const imageMessage = (image: { link: string } | { id: string }, caption?: string): OutboundMessage => ({
  type: "image",
  image: { ...image, ...(caption ? { caption } : {}) },
});

export const templateMessage = (template: TemplateSend): OutboundMessage => ({
  type: "template",
  template: {
    name: template.name,
    language: { code: template.language },
    ...(template.components?.length ? { components: template.components } : {}),
  },
});

/**
 * The send methods of a client, all built on one `sendMessage`: the Graph client's own, or another
 * way to the same API (bot replies go through the paced Sender objects, worker/broadcasts/direct-send.ts).
 */
export function messageSenders(sendMessage: (to: Recipient, message: OutboundMessage, o?: SendOptions) => Promise<SendResult>) {
  const send = sendMessage;
  return {
    /** Any prepared message (see textMessage, imageMessage, templateMessage). */
    sendMessage,

    sendText(to: Recipient, text: string, o?: SendOptions & { previewUrl?: boolean }) {
      return send(to, textMessage(text, o?.previewUrl), o);
    },

    /** Image by public link or by an uploaded media id. */
    sendImage(to: Recipient, image: { link: string } | { id: string }, caption?: string, o?: SendOptions) {
      return send(to, imageMessage(image, caption), o);
    },

    sendTemplate(to: Recipient, template: TemplateSend, o?: SendOptions) {
      return send(to, templateMessage(template), o);
    },

    sendInteractiveList(
      to: Recipient,
      list: { header?: string; body: string; footer?: string; button: string; sections: ListSection[] },
      o?: SendOptions,
    ) {
      return send(
        to,
        {
          type: "interactive",
          interactive: {
            type: "list",
            ...(list.header ? { header: { type: "text", text: list.header } } : {}),
            body: { text: list.body },
            ...(list.footer ? { footer: { text: list.footer } } : {}),
            action: { button: list.button, sections: list.sections },
          },
        },
        o,
      );
    },

    sendInteractiveButtons(
      to: Recipient,
      msg: { header?: string; body: string; footer?: string; buttons: { id: string; title: string }[] },
      o?: SendOptions,
    ) {
      return send(
        to,
        {
          type: "interactive",
          interactive: {
            type: "button",
            ...(msg.header ? { header: { type: "text", text: msg.header } } : {}),
            body: { text: msg.body },
            ...(msg.footer ? { footer: { text: msg.footer } } : {}),
            action: { buttons: msg.buttons.map((b) => ({ type: "reply", reply: b })) },
          },
        },
        o,
      );
    },
  };
}

export function createWhatsAppClient(opts: WhatsAppClientOptions) {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  // One per client, and a client lives as long as one invocation (or one Durable Object instance,
  // whose requests share one I/O context): never create a client at module scope.
  const connections = opts.connections ?? new ConnectionLimit();
  const auth = { Authorization: `Bearer ${opts.accessToken}` };

  async function call(url: string, init: RequestInit, startBy?: number): Promise<Response> {
    let res: Response;
    // A timer we clear ourselves (not AbortSignal.timeout): a Durable Object making many calls
    // should not keep a pending 15-second timer for each of them.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      res = await connections.run(() => {
        const late = startBy === undefined ? 0 : Date.now() - startBy;
        if (late > 0) throw new LateStart(late);
        return doFetch(url, { ...init, signal: controller.signal });
      }, controller.signal);
    } catch (err) {
      if (err instanceof LateStart) throw err;
      if (err instanceof SlotWaitAborted) {
        // Timed out before it left: WhatsApp never saw it, so a retry cannot duplicate anything.
        throw new RetryableError({ code: 0, title: "Network error", details: err.message, cause: err.reason, ambiguous: false });
      }
      throw networkError(err);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok) return res;
    throw await errorFrom(res);
  }

  async function json<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
    const body: unknown = await res.json().catch(() => null);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // A 2xx we cannot read (cut off, garbled): WhatsApp may well have done what was asked.
      throw classifyGraphError({ code: 1, httpStatus: 502, title: "Unexpected response from WhatsApp", ambiguous: true });
    }
    return parsed.data;
  }

  async function send(to: Recipient, message: Json, o: SendOptions = {}): Promise<SendResult> {
    const address = to.waId ? { to: to.waId } : to.userId ? { recipient: to.userId } : null;
    if (!address) throw classifyGraphError({ code: 131026, title: "Citizen has no WhatsApp address" });
    const body: Json = {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...address,
      ...message,
    };
    if (o.callbackData) body.biz_opaque_callback_data = o.callbackData;
    if (o.replyTo) body.context = { message_id: o.replyTo };
    const res = await call(
      `${opts.apiBase}/${opts.phoneNumberId}/messages`,
      { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(body) },
      o.startBy,
    );
    const data = await json(res, sendResponseSchema);
    const wamid = data.messages[0]?.id;
    if (!wamid) throw classifyGraphError({ code: 1, httpStatus: 502, title: "No message id in response", ambiguous: true });
    return { wamid };
  }

  return {
    ...messageSenders(send),

    /** Blue ticks for the citizen; optionally shows "typing…" while staff write. */
    async markAsRead(wamid: string, typing = false): Promise<void> {
      await call(`${opts.apiBase}/${opts.phoneNumberId}/messages`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          messaging_product: "whatsapp",
          status: "read",
          message_id: wamid,
          ...(typing ? { typing_indicator: { type: "text" } } : {}),
        }),
      });
    },

    async getMediaInfo(mediaId: string): Promise<MediaInfo> {
      const res = await call(`${opts.apiBase}/${encodeURIComponent(mediaId)}`, { headers: auth });
      return json(res, mediaInfoSchema);
    },

    /** Downloads from the short-lived URL returned by getMediaInfo (needs the bearer token). */
    async downloadMedia(url: string): Promise<{ bytes: ArrayBuffer; contentType: string | null }> {
      const res = await call(url, { headers: auth });
      return { bytes: await res.arrayBuffer(), contentType: res.headers.get("content-type") };
    },

    /**
     * Opens the download without reading it, so the caller can check its size and stream it on
     * (inbound media into R2). The caller must consume or cancel `body`.
     */
    async openMedia(url: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string | null; contentLength: number | null }> {
      const res = await call(url, { headers: auth });
      const header = res.headers.get("content-length");
      const length = header !== null && /^\d+$/.test(header) ? Number(header) : null;
      const body = res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { body, contentType: res.headers.get("content-type"), contentLength: length };
    },

    async uploadMedia(bytes: ArrayBuffer, mimeType: string, fileName: string): Promise<string> {
      const form = new FormData();
      form.append("messaging_product", "whatsapp");
      form.append("type", mimeType);
      form.append("file", new Blob([bytes], { type: mimeType }), fileName);
      const res = await call(`${opts.apiBase}/${opts.phoneNumberId}/media`, {
        method: "POST",
        headers: auth,
        body: form,
      });
      const data = (await res.json().catch(() => null)) as { id?: unknown } | null;
      if (!data || typeof data.id !== "string") {
        throw classifyGraphError({ code: 1, httpStatus: 502, title: "No media id in response" });
      }
      return data.id;
    },

    /** All message templates of the business account (follows paging). */
    /** Submits a new template for Meta's review (POST /{waba-id}/message_templates, Meta's shape). */
    async createTemplate(draft: { name: string; language: string; category: string; components: unknown[] }): Promise<{ id: string; status: string; category: string | null }> {
      if (!opts.businessAccountId) {
        throw classifyGraphError({ code: 100, title: "WHATSAPP_BUSINESS_ACCOUNT_ID is not set" });
      }
      const res = await call(`${opts.apiBase}/${opts.businessAccountId}/message_templates`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify(draft),
      });
      const data = await json(res, templateCreatedSchema);
      return { id: data.id, status: data.status, category: data.category ?? null };
    },

    async listTemplates(): Promise<GraphTemplate[]> {
      if (!opts.businessAccountId) {
        throw classifyGraphError({ code: 100, title: "WHATSAPP_BUSINESS_ACCOUNT_ID is not set" });
      }
      const out: GraphTemplate[] = [];
      let url: string | undefined =
        `${opts.apiBase}/${opts.businessAccountId}/message_templates?fields=name,language,status,category,components&limit=100`;
      for (let page = 0; url && page < 50; page++) {
        const data: z.infer<typeof templateListSchema> = await json(await call(url, { headers: auth }), templateListSchema);
        for (const t of data.data) out.push({ ...t, components: t.components ?? [] });
        url = data.paging?.next;
      }
      return out;
    },
  };
}

export type WhatsAppClient = ReturnType<typeof createWhatsAppClient>;

async function errorFrom(res: Response): Promise<GraphApiError> {
  const body: unknown = await res.json().catch(() => null);
  const parsed = graphErrorEnvelopeSchema.safeParse(body);
  if (parsed.success) {
    const e = parsed.data.error;
    return classifyGraphError({
      code: e.code,
      subcode: e.error_subcode,
      httpStatus: res.status,
      title: e.message,
      details: e.error_data?.details,
    });
  }
  // No envelope: not Meta's refusal but something on the way (a gateway, a proxy). A 5xx or 408 from
  // there says nothing about whether WhatsApp got the request; any other 4xx refused it before that.
  const ambiguous = res.status >= 500 || res.status === 408;
  return classifyGraphError({ code: res.status >= 500 ? 131000 : 100, httpStatus: res.status, title: res.statusText, ambiguous });
}
