import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthError,
  classifyGraphError,
  createWhatsAppClient,
  graphErrorData,
  networkError,
  OptedOutError,
  OutsideWindowError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  reviveGraphError,
} from "../worker/whatsapp";
import { GRAPH_BASE, installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

const client = () =>
  createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "test-access-token", phoneNumberId: "106540352242922", businessAccountId: "102290129340398" });
const citizen = { waId: "436641234567" };

describe("WhatsApp client: sends", () => {
  let graph: FakeGraph;
  beforeEach(() => {
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  it("sends text with the bearer token and callback data, returning the wamid", async () => {
    const res = await client().sendText(citizen, "Grüß Gott!", { callbackData: "m:abc", replyTo: "wamid.prev" });
    expect(res.wamid).toMatch(/^wamid\./);
    expect(graph.sent[0]).toMatchObject({
      path: "/106540352242922/messages",
      authorization: "Bearer test-access-token",
      body: {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "436641234567",
        type: "text",
        text: { body: "Grüß Gott!", preview_url: false },
        biz_opaque_callback_data: "m:abc",
        context: { message_id: "wamid.prev" },
      },
    });
  });

  it("addresses a citizen known only by user id via `recipient`", async () => {
    await client().sendText({ userId: "AT.1234567890" }, "Hallo");
    expect(graph.sent[0]?.body).toMatchObject({ recipient: "AT.1234567890" });
    expect(graph.sent[0]?.body.to).toBeUndefined();
  });

  it("refuses a citizen without any address as a permanent error", async () => {
    await expect(client().sendText({}, "x")).rejects.toBeInstanceOf(PermanentError);
    expect(graph.sent).toHaveLength(0);
  });

  it("sends an image by link and by uploaded media id", async () => {
    await client().sendImage(citizen, { link: "https://gemeinde.test/foto.jpg" }, "Baustelle");
    await client().sendImage(citizen, { id: "1234" });
    expect(graph.sent[0]?.body).toMatchObject({ type: "image", image: { link: "https://gemeinde.test/foto.jpg", caption: "Baustelle" } });
    expect(graph.sent[1]?.body).toMatchObject({ type: "image", image: { id: "1234" } });
  });

  it("sends a template with language and components", async () => {
    const components = [{ type: "body", parameters: [{ type: "text", text: "in Bearbeitung" }] }];
    await client().sendTemplate(citizen, { name: "meldung_status", language: "de", components }, { callbackData: "b:1:2" });
    expect(graph.sent[0]?.body).toMatchObject({
      type: "template",
      template: { name: "meldung_status", language: { code: "de" }, components },
      biz_opaque_callback_data: "b:1:2",
    });
  });

  it("sends an interactive list and interactive buttons", async () => {
    await client().sendInteractiveList(citizen, {
      header: "Kanäle",
      body: "Wählen Sie:",
      button: "Kanäle",
      sections: [{ title: "Themen", rows: [{ id: "t:1", title: "Freibad" }] }],
    });
    await client().sendInteractiveButtons(citizen, { body: "Abmelden?", buttons: [{ id: "y", title: "Ja" }, { id: "n", title: "Nein" }] });
    expect(graph.sent[0]?.body).toMatchObject({
      type: "interactive",
      interactive: { type: "list", header: { type: "text", text: "Kanäle" }, action: { button: "Kanäle", sections: [{ rows: [{ id: "t:1" }] }] } },
    });
    expect(graph.sent[1]?.body).toMatchObject({
      interactive: { type: "button", action: { buttons: [{ type: "reply", reply: { id: "y", title: "Ja" } }, { type: "reply", reply: { id: "n", title: "Nein" } }] } },
    });
  });

  it("marks a message as read (optionally with typing indicator)", async () => {
    await client().markAsRead("wamid.in", true);
    expect(graph.sent[0]?.body).toEqual({ messaging_product: "whatsapp", status: "read", message_id: "wamid.in", typing_indicator: { type: "text" } });
  });

  it.each([
    [{ status: 400, code: 130429 }, RateLimitedError],
    [{ status: 400, code: 80007 }, RateLimitedError],
    [{ status: 400, code: 4 }, RateLimitedError],
    [{ status: 400, code: 131056 }, RateLimitedError],
    [{ status: 500, code: 131000 }, RetryableError],
    [{ status: 503, code: 131016 }, RetryableError],
    [{ status: 502, code: 999999 }, RetryableError],
    [{ status: 400, code: 131047 }, OutsideWindowError],
    [{ status: 400, code: 131050 }, OptedOutError],
    [{ status: 400, code: 131026 }, PermanentError],
    [{ status: 400, code: 131048 }, PermanentError],
    [{ status: 400, code: 131049 }, PermanentError],
    [{ status: 400, code: 131051 }, PermanentError],
    [{ status: 400, code: 368 }, PermanentError],
    [{ status: 400, code: 132001 }, PermanentError],
    [{ status: 401, code: 190 }, AuthError],
  ] as const)("maps Graph error %o by its numeric code", async (failure, cls) => {
    graph.failNextSends({ ...failure, message: "A title Meta may reword any day" });
    const err = await client().sendText(citizen, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ code: failure.code, httpStatus: failure.status });
  });

  it("131056 is a per-recipient rate limit; others are not", () => {
    expect((classifyGraphError({ code: 131056 }) as RateLimitedError).perRecipient).toBe(true);
    expect((classifyGraphError({ code: 130429 }) as RateLimitedError).perRecipient).toBe(false);
  });

  it("a network failure is retryable", async () => {
    graph.failNextSends("network");
    const err = await client().sendText(citizen, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).retryable).toBe(true);
  });

  it("a wrong token is an auth error", async () => {
    const bad = createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "expired", phoneNumberId: "1" });
    await expect(bad.sendText(citizen, "x")).rejects.toBeInstanceOf(AuthError);
  });

  it("an unexpected 200 body is a retryable error, not a crash", async () => {
    const weird = createWhatsAppClient({
      apiBase: GRAPH_BASE,
      accessToken: "test-access-token",
      phoneNumberId: "1",
      fetch: async () => new Response("<html>proxy</html>", { status: 200 }),
    });
    await expect(weird.sendText(citizen, "x")).rejects.toBeInstanceOf(RetryableError);
  });
});

describe("WhatsApp client: refused or ambiguous", () => {
  let graph: FakeGraph;
  beforeEach(() => {
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  const answering = (res: () => Response) =>
    createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "test-access-token", phoneNumberId: "1", fetch: async () => res() });

  it("an answer lost after WhatsApp took the message (reset) is ambiguous, not a plain retry", async () => {
    graph.failNextSends("drop");
    const err = await client().sendText(citizen, "x", { callbackData: "m:1" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ ambiguous: true, code: 0 });
    expect(graph.accepted).toMatchObject([{ to: citizen.waId, callbackData: "m:1", answerLost: true }]);
  });

  it("no answer before the client's timeout is ambiguous", async () => {
    graph.failNextSends("hang");
    const quick = createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "test-access-token", phoneNumberId: "106540352242922", timeoutMs: 20 });
    const err = await quick.sendText(citizen, "x").catch((e: unknown) => e);
    expect(err).toMatchObject({ ambiguous: true, code: 0 });
    expect(graph.accepted).toHaveLength(1);
  });

  it("answers without Meta's error envelope are ambiguous when they say nothing about WhatsApp (5xx, 408, unreadable 2xx)", async () => {
    for (const res of [
      () => new Response("<html>Bad Gateway</html>", { status: 502 }),
      () => new Response("", { status: 504 }),
      () => new Response("timeout", { status: 408 }),
      () => new Response("<html>proxy</html>", { status: 200 }),
      () => new Response(JSON.stringify({ messaging_product: "whatsapp", messages: [] }), { status: 200 }),
    ]) {
      expect(await answering(res).sendText(citizen, "x").catch((e: unknown) => e)).toMatchObject({ ambiguous: true });
    }
    // A gateway's 4xx refused the request before it reached WhatsApp.
    expect(await answering(() => new Response("forbidden", { status: 403 })).sendText(citizen, "x").catch((e: unknown) => e)).toMatchObject({
      ambiguous: false,
    });
  });

  it("a refusal in Meta's envelope is never ambiguous, 5xx included", async () => {
    for (const f of [
      { status: 429, code: 130429 },
      { status: 400, code: 131056 },
      { status: 500, code: 131000 },
      { status: 503, code: 131016 },
      { status: 400, code: 131047 },
    ]) {
      graph.failNextSends(f);
      expect(await client().sendText(citizen, "x").catch((e: unknown) => e)).toMatchObject({ code: f.code, ambiguous: false });
    }
    expect(graph.accepted).toHaveLength(0);
  });

  it("ambiguity survives the trip through the pacer (plain data and back)", () => {
    const data = graphErrorData(networkError(new Error("reset")));
    expect(data).toMatchObject({ kind: "retryable", ambiguous: true });
    expect(reviveGraphError(JSON.parse(JSON.stringify(data)) as typeof data)).toMatchObject({ ambiguous: true, retryable: true });
    expect(reviveGraphError(graphErrorData(classifyGraphError({ code: 131000, httpStatus: 500 })))).toMatchObject({ ambiguous: false });
  });
});

describe("WhatsApp client: media and templates", () => {
  it("gets media info, then downloads with the bearer token", async () => {
    const graph = installFakeGraph();
    try {
      graph.addMedia("55", new Uint8Array([1, 2, 3]), "image/png");
      const info = await client().getMediaInfo("55");
      expect(info).toMatchObject({ id: "55", mime_type: "image/png" });
      const file = await client().downloadMedia(info.url);
      expect(new Uint8Array(file.bytes)).toEqual(new Uint8Array([1, 2, 3]));
      expect(file.contentType).toBe("image/png");
    } finally {
      graph.restore();
    }
  });

  it("lists templates across pages", async () => {
    const pages: Record<string, unknown> = {
      first: { data: [{ name: "meldung_status", language: "de", status: "APPROVED", category: "UTILITY", components: [{ type: "BODY", text: "Ihre Meldung ist {{1}}." }] }], paging: { next: `${GRAPH_BASE}/page2` } },
      second: { data: [{ name: "newsletter", language: "de", status: "APPROVED" }] },
    };
    const seen: string[] = [];
    const c = createWhatsAppClient({
      apiBase: GRAPH_BASE,
      accessToken: "t",
      phoneNumberId: "1",
      businessAccountId: "waba",
      fetch: async (input) => {
        const url = String(input);
        seen.push(url);
        return Response.json(url.endsWith("/page2") ? pages.second : pages.first);
      },
    });
    const list = await c.listTemplates();
    expect(list.map((t) => t.name)).toEqual(["meldung_status", "newsletter"]);
    expect(seen[0]).toContain("/waba/message_templates");
    expect(list[1]?.components).toEqual([]);
  });

  it("uploads media as multipart and returns the id", async () => {
    let form: FormData | null = null;
    const c = createWhatsAppClient({
      apiBase: GRAPH_BASE,
      accessToken: "t",
      phoneNumberId: "1",
      fetch: async (_input, init) => {
        form = init?.body as FormData;
        return Response.json({ id: "media-77" });
      },
    });
    const id = await c.uploadMedia(new Uint8Array([1]).buffer, "image/jpeg", "a.jpg");
    expect(id).toBe("media-77");
    expect((form as FormData | null)?.get("messaging_product")).toBe("whatsapp");
  });
});
