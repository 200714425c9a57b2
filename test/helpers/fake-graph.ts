// A fake Graph API for tests: records sends, serves media, and can inject Graph errors.
// Installed as the global fetch for URLs under the configured WHATSAPP_API_BASE.
import { vi } from "vitest";
import { forgetAllWindows, windowOpenFor } from "./fake-window";
import { envelope, postWebhook, statusValue } from "./meta";

export const GRAPH_BASE = "https://graph.test/v23.0";
export const MEDIA_HOST = "https://lookaside.graph.test";

export interface SentRequest {
  path: string;
  body: Record<string, unknown>;
  authorization: string | null;
}

/**
 * A refusal in Meta's envelope; "network": the request fails before WhatsApp takes it; "drop":
 * WhatsApp takes the message (it is in `accepted`, its status webhook would follow) but the answer
 * is lost (connection reset); "hang": taken, and no answer comes until the client gives up (abort);
 * "gateway": taken, then a proxy on the way answers 504 with an HTML page (no Meta envelope).
 */
type Failure = { status: number; code: number; message?: string; details?: string } | "network" | "drop" | "hang" | "gateway";

/** A message WhatsApp took, with what its status webhooks would carry. */
export interface AcceptedMessage {
  to: string;
  wamid: string;
  callbackData: string | null;
  /** The HTTP answer to it was lost. */
  answerLost: boolean;
}

/** How Graph describes and serves one media file; the defaults are what production does. */
export interface FakeMediaOptions {
  /** `sha256` in GET /{media-id}: the file's real hash (hex) unless given; null omits it. */
  sha256?: string | null;
  /** `file_size` in GET /{media-id}: the real size unless given; null omits it. */
  fileSize?: number | null;
  /** Whether the download answers with Content-Length (the CDN does). */
  contentLength?: boolean;
}

async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes.slice());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function installFakeGraph() {
  const sent: SentRequest[] = [];
  const accepted: AcceptedMessage[] = [];
  const media = new Map<string, { bytes: Uint8Array; mimeType: string; options?: FakeMediaOptions }>();
  const failures: Failure[] = [];
  const uploads: { id: string; mimeType: string; size: number }[] = [];
  const mediaFailures = new Map<string, number>();
  const failuresByRecipient = new Map<string, Failure[]>();
  const sendHooks: ((body: Record<string, unknown>) => void | Promise<void>)[] = [];
  let templateList: Record<string, unknown>[] = [];
  const submittedTemplates: Record<string, unknown>[] = [];
  /** Status webhooks Meta owes the worker (131047 failures), delivered by deliverStatuses(). */
  const owedStatuses: Record<string, unknown>[] = [];
  let counter = 0;
  forgetAllWindows();

  const json = (data: unknown, status = 200) =>
    new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json" } });

  const original = globalThis.fetch;
  /** Time before the response headers (ms); 0 answers at once. */
  let headersAfter: () => number = () => 0;
  const load = { inFlight: 0, peak: 0, count: 0 };
  const isGraph = (input: RequestInfo | URL) => {
    const u = input instanceof Request ? input.url : String(input);
    return u.startsWith(GRAPH_BASE) || u.startsWith(MEDIA_HOST);
  };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!isGraph(input)) return original(input, init);
    // Counts requests waiting for their headers, as Cloudflare's connection limit does.
    load.inFlight++;
    load.count++;
    load.peak = Math.max(load.peak, load.inFlight);
    try {
      const delay = headersAfter();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return await answer(input, init);
    } finally {
      load.inFlight--;
    }
  });
  async function answer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const req = new Request(input, init);
    const url = new URL(req.url);
    const auth = req.headers.get("authorization");
    if (auth !== "Bearer test-access-token") {
      return json({ error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } }, 401);
    }
    if (req.url.startsWith(MEDIA_HOST)) {
      const id = url.searchParams.get("mid") ?? "";
      const item = media.get(id);
      if (!item) return new Response("gone", { status: 404 });
      const headers: Record<string, string> = { "content-type": item.mimeType };
      if (item.options?.contentLength !== false) headers["content-length"] = String(item.bytes.byteLength);
      return new Response(item.bytes.slice().buffer, { headers });
    }
    const path = url.pathname.replace(/^\/v23\.0/, "");
    if (req.method === "POST" && path.endsWith("/message_templates")) {
      const body = (await req.json()) as Record<string, unknown>;
      const failure = failures.shift();
      if (failure === "network" || failure === "drop") throw new TypeError("fetch failed");
      if (typeof failure === "object") return json({ error: { message: failure.message ?? "error", code: failure.code, error_data: { details: failure.details ?? "" } } }, failure.status);
      const id = String(1_200_000_000_000_000 + ++counter);
      submittedTemplates.push({ ...body, id });
      return json({ id, status: "PENDING", category: body.category });
    }
    if (req.method === "GET" && path.endsWith("/message_templates")) {
      return json({ data: templateList, paging: { cursors: { before: "a", after: "b" } } });
    }
    if (req.method === "GET" && /^\/[^/]+$/.test(path)) {
      const id = path.slice(1);
      const left = mediaFailures.get(id) ?? 0;
      if (left > 0) {
        mediaFailures.set(id, left - 1);
        return json({ error: { message: "Service temporarily unavailable", code: 131016 } }, 503);
      }
      const item = media.get(id);
      if (!item) return json({ error: { message: "Unsupported get request.", code: 100, error_subcode: 33 } }, 400);
      const o = item.options ?? {};
      const sha256 = o.sha256 === undefined ? await sha256HexOf(item.bytes) : o.sha256;
      const fileSize = o.fileSize === undefined ? item.bytes.byteLength : o.fileSize;
      return json({
        url: `${MEDIA_HOST}/whatsapp_business/attachments/?mid=${id}`,
        mime_type: item.mimeType,
        ...(sha256 === null ? {} : { sha256 }),
        ...(fileSize === null ? {} : { file_size: fileSize }),
        id,
        messaging_product: "whatsapp",
      });
    }
    if (req.method === "POST" && path.endsWith("/media")) {
      // Media upload (multipart), as used to send a staff photo: remembered so a test can check it.
      const form = await req.formData();
      const file = form.get("file");
      const id = String(9_000_000_000_000 + ++counter);
      if (!(file instanceof File)) return json({ error: { message: "file missing", code: 100 } }, 400);
      const bytes = new Uint8Array(await file.arrayBuffer());
      uploads.push({ id, mimeType: String(form.get("type") ?? file.type), size: bytes.byteLength });
      media.set(id, { bytes, mimeType: file.type });
      return json({ id });
    }
    if (req.method === "POST" && path.endsWith("/messages")) {
      const body = (await req.json()) as Record<string, unknown>;
      sent.push({ path, body, authorization: auth });
      for (const hook of sendHooks) await hook(body);
      const failure = failuresByRecipient.get(String(body.to ?? body.recipient ?? ""))?.shift() ?? failures.shift();
      if (failure === "network") throw new TypeError("fetch failed");
      if (failure === "drop" || failure === "hang" || failure === "gateway") {
        const to = String(body.to ?? body.recipient ?? "");
        const callbackData = typeof body.biz_opaque_callback_data === "string" ? body.biz_opaque_callback_data : null;
        accepted.push({ to, wamid: `wamid.fake${++counter}`, callbackData, answerLost: true });
        if (failure === "drop") throw new TypeError("Network connection lost.");
        if (failure === "gateway") return new Response("<html><body>504 Gateway Time-out</body></html>", { status: 504, headers: { "content-type": "text/html" } });
        // Like a server that never answers: only the client's own timeout ends the wait.
        const signal = init?.signal ?? req.signal;
        return new Promise<Response>((_resolve, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason));
        });
      }
      if (failure) {
        return json(
          { error: { message: failure.message ?? "error", code: failure.code, error_data: { details: failure.details ?? "" }, fbtrace_id: "x" } },
          failure.status,
        );
      }
      if (body.status === "read") return json({ success: true });
      const to = String(body.to ?? body.recipient ?? "");
      const id = `wamid.fake${++counter}`;
      const callbackData = typeof body.biz_opaque_callback_data === "string" ? body.biz_opaque_callback_data : null;
      accepted.push({ to, wamid: id, callbackData, answerLost: false });
      if (body.type !== "template" && !windowOpenFor(to)) {
        // As at Meta: accepted, then a failed status webhook (131047) because the window is closed.
        owedStatuses.push({
          id,
          status: "failed",
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: to,
          ...(typeof body.biz_opaque_callback_data === "string" ? { biz_opaque_callback_data: body.biz_opaque_callback_data } : {}),
          errors: [
            {
              code: 131047,
              title: "Re-engagement message",
              message: "Re-engagement message",
              error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
              href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            },
          ],
        });
      }
      return json({
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id, ...(body.type === "template" ? { message_status: "accepted" } : {}) }],
      });
    }
    return json({ error: { message: `fake graph: no route ${req.method} ${path}`, code: 100 } }, 400);
  }

  return {
    sent,
    /** Every message WhatsApp took (answered or not), in order: what status webhooks would report. */
    accepted,
    /** Media uploaded to POST /{phone-number-id}/media. */
    uploads,
    /** Messages sent (excluding mark-as-read). */
    messages: () => sent.filter((s) => s.body.status !== "read"),
    addMedia(id: string, bytes: Uint8Array, mimeType = "image/jpeg", options?: FakeMediaOptions) {
      media.set(id, { bytes, mimeType, options });
    },
    /** The next N media lookups for `id` fail with 503. */
    failMediaLookups(id: string, times: number) {
      mediaFailures.set(id, times);
    },
    /** Queue failures for the next sends, in order. */
    failNextSends(...f: Failure[]) {
      failures.push(...f);
    },
    /** Queue failures for the next sends to this recipient (wa_id or user id), in order. */
    failSendsTo(to: string, ...f: Failure[]) {
      failuresByRecipient.set(to, [...(failuresByRecipient.get(to) ?? []), ...f]);
    },
    /** Runs before each message send is answered (e.g. to pause a broadcast mid-way). */
    onSend(hook: (body: Record<string, unknown>) => void | Promise<void>) {
      sendHooks.push(hook);
    },
    /** What GET /{waba-id}/message_templates lists. */
    setTemplates(list: Record<string, unknown>[]) {
      templateList = list;
    },
    /** Templates submitted with POST /{waba-id}/message_templates (with the id answered). */
    submittedTemplates,
    /** Status webhooks still owed (131047 failures of free-form sends outside the window). */
    owedStatuses,
    /** Posts the owed status webhooks to the worker, signed, like Meta; returns how many. */
    async deliverStatuses(): Promise<number> {
      const list = owedStatuses.splice(0, owedStatuses.length);
      if (list.length) {
        const res = await postWebhook(envelope(statusValue(list)));
        if (res.status !== 200) throw new Error(`status webhook answered ${res.status}: ${await res.text()}`);
      }
      return list.length;
    },
    /** Answers (headers) come after `ms` (a number or a function per request). */
    setLatency(ms: number | (() => number)) {
      headersAfter = typeof ms === "number" ? () => ms : ms;
    },
    /** Graph requests now waiting for headers, the most at once so far, and how many came. */
    load,
    restore() {
      spy.mockRestore();
    },
  };
}
export type FakeGraph = ReturnType<typeof installFakeGraph>;
