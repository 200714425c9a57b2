// The WhatsApp simulator (worker/dev): fake Graph API shapes and errors, media roundtrip, signed
// Meta-shaped webhooks the worker accepts and stores, status webhooks; and the product has none of it.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../env";
import { simulator } from "../simulator";
import { createWhatsAppClient, GraphApiError } from "../../worker/whatsapp";
import { env, asCitizen, dev, graphPost as graph, ORIGIN, PHONE_ID, simClient as client, simFetch, TOKEN, useSimulator, WABA_ID } from "./helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

interface GraphErrorJson {
  error: { message: string; type: string; code: number; error_subcode?: number; error_data?: { details: string }; fbtrace_id: string };
}

beforeEach(useSimulator);
afterEach(() => vi.restoreAllMocks());

describe("the product Worker has no simulator", () => {
  it("answers every /__dev path with 404 when called without the dev Worker in front", async () => {
    for (const [method, path] of [
      ["GET", "/__dev/phone"],
      ["GET", "/__dev/widget-demo"],
      ["POST", "/__dev/seed"],
      ["GET", "/__dev/api/phones"],
      ["POST", `/__dev/graph/v23.0/${PHONE_ID}/messages`],
      ["GET", "/__dev/lookaside/whatsapp_business/attachments/?mid=1"],
    ] as const) {
      const res = await env.PRODUCT.fetch(new Request(`${ORIGIN}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "not_found", message: "Diese Adresse gibt es nicht. Bitte den Link prüfen oder die Startseite öffnen." } });
    }
  });
});

describe("dev Worker pages", () => {
  it("the phone page keeps its own nonce policy; the widget demo, a stand-in for a town's site, gets none", async () => {
    const phone = await dev("/__dev/phone");
    expect(phone.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[^']+'/);
    expect(phone.headers.get("x-content-type-options")).toBe("nosniff");
    expect(phone.headers.get("x-frame-options")).toBe("DENY");
    const demo = await dev("/__dev/widget-demo");
    expect(demo.status).toBe(200);
    expect(demo.headers.get("content-security-policy")).toBeNull();
  });

  it("serves the phone page and the widget demo", async () => {
    const phone = await dev("/__dev/phone");
    expect(phone.status).toBe(200);
    const html = await phone.text();
    expect(html).toContain("WhatsApp-Simulator");
    const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
    expect(phone.headers.get("content-security-policy")).toContain(`script-src 'nonce-${nonce}'`);
    const demo = await dev("/__dev/widget-demo");
    expect(await demo.text()).toContain('<script src="/widget.js"');
    expect((await dev("/__dev/nothing-here")).status).toBe(404);
  });
});

describe("fake Graph API: auth and errors", () => {
  it("refuses a wrong or missing token with 401 and Graph error 190", async () => {
    for (const headers of [{ authorization: "Bearer wrong" }, {}] as Record<string, string>[]) {
      const res = await dev(`/__dev/graph/v23.0/${PHONE_ID}/messages`, { method: "POST", headers, body: "{}" });
      expect(res.status).toBe(401);
      const body = await res.json<GraphErrorJson>();
      expect(body.error).toMatchObject({ code: 190, type: "OAuthException" });
      expect(body.error.fbtrace_id).toMatch(/^\w+$/);
    }
    const media = await dev("/__dev/graph/v23.0/123456", { headers: { authorization: "Bearer wrong" } });
    expect(media.status).toBe(401);
  });

  it("maps 190 to the client's auth error class", async () => {
    const err = await client("expired").sendText({ waId: "436641110001" }, "Hallo").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).code).toBe(190);
    expect((err as GraphApiError).kind).toBe("auth");
  });

  it("answers malformed bodies with code 100 and Meta's error envelope", async () => {
    const cases: unknown[] = [
      "{not json",
      [],
      { messaging_product: "whatsapp", to: "436641110001", type: "text", text: { body: "" } },
      { messaging_product: "whatsapp", to: "436641110001", type: "text" },
      { messaging_product: "sms", to: "436641110001", type: "text", text: { body: "Hi" } },
      { messaging_product: "whatsapp", type: "text", text: { body: "Hi" } },
      { messaging_product: "whatsapp", to: "abc", type: "text", text: { body: "Hi" } },
      { messaging_product: "whatsapp", to: "436641110001", type: "carrier_pigeon" },
      { messaging_product: "whatsapp", to: "436641110001", type: "image", image: { link: "not a url" } },
      {
        messaging_product: "whatsapp",
        to: "436641110001",
        type: "interactive",
        interactive: { type: "button", body: { text: "Wählen" }, action: { buttons: [1, 2, 3, 4].map((n) => ({ type: "reply", reply: { id: `b${n}`, title: `B${n}` } })) } },
      },
      { messaging_product: "whatsapp", status: "read" },
    ];
    for (const body of cases) {
      const res = await graph(`/${PHONE_ID}/messages`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json<GraphErrorJson>();
      expect(json.error.code).toBe(100);
      expect(json.error.message).toBe("(#100) Invalid parameter");
      expect(json.error.error_data?.details).toBeTruthy();
      expect(json.error.fbtrace_id).toBeTruthy();
    }
  });

  it("refuses an unknown phone number id and unknown paths like Graph", async () => {
    const res = await graph("/999/messages", { messaging_product: "whatsapp", to: "436641110001", type: "text", text: { body: "Hi" } });
    expect(res.status).toBe(400);
    expect((await res.json<GraphErrorJson>()).error).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" });
    const other = await dev("/__dev/graph/v23.0/a/b/c", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(other.status).toBe(400);
    expect((await other.json<GraphErrorJson>()).error.code).toBe(2500);
  });

  it("checks templates like Meta: unknown name 132001, wrong parameter count 132000", async () => {
    const unknown = await client().sendTemplate({ waId: "436641110001" }, { name: "gibt_es_nicht", language: "de" }).catch((e: unknown) => e);
    expect((unknown as GraphApiError).code).toBe(132001);
    const wrong = await client()
      .sendTemplate({ waId: "436641110001" }, { name: "meldung_status", language: "de", components: [{ type: "body", parameters: [] }] })
      .catch((e: unknown) => e);
    expect((wrong as GraphApiError).code).toBe(132000);
  });
});

describe("fake Graph API: sends", () => {
  it("accepts every kind of send the worker makes, in Meta's response shape", async () => {
    const res = await graph(`/${PHONE_ID}/messages`, {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+43 664 1110001",
      type: "text",
      text: { body: "Grüß Gott!" },
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ messaging_product: string; contacts: { input: string; wa_id: string }[]; messages: { id: string }[] }>();
    expect(body).toMatchObject({ messaging_product: "whatsapp", contacts: [{ input: "+43 664 1110001", wa_id: "436641110001" }] });
    expect(body.messages[0]?.id).toMatch(/^wamid\./);

    const wa = { waId: "436641110001" };
    const c = client();
    const mediaId = await c.uploadMedia(PNG.slice().buffer, "image/png", "plan.png");
    const wamids = [
      await c.sendText(wa, "Zweite Nachricht", { callbackData: "m:abc" }),
      await c.sendImage(wa, { link: "https://www.gemeinde.test/plan.png" }, "Plan"),
      await c.sendImage(wa, { id: mediaId }, "Hochgeladen"),
      await c.sendTemplate(wa, { name: "meldung_status", language: "de", components: [{ type: "body", parameters: [{ type: "text", text: "Erledigt." }] }] }),
      await c.sendInteractiveButtons(wa, { body: "Passt der Termin?", buttons: [{ id: "ja", title: "Ja" }, { id: "nein", title: "Nein" }] }),
      await c.sendInteractiveList(wa, {
        header: "Kanäle",
        body: "Was möchten Sie bekommen?",
        button: "Auswählen",
        sections: [{ title: "Themen", rows: [{ id: "ch_freibad", title: "Freibad", description: "Öffnungszeiten" }] }],
      }),
    ].map((r) => r.wamid);
    expect(new Set(wamids).size).toBe(6);

    const chat = await simulator(env).chat("436641110001");
    expect(chat.messages.map((m) => m.type)).toEqual(["text", "text", "image", "image", "template", "interactive", "interactive"]);
    const template = JSON.parse(chat.messages[4]!.contentJson) as { rendered: { body: string } };
    expect(template.rendered.body).toContain("Neuigkeiten: Erledigt.");
  });

  it("marks the citizen's message read (and shows typing) on status:read", async () => {
    const sent = await asCitizen("436641110002", { name: "Eva Berger", message: { type: "text", text: "Hallo?" } });
    const { message } = await sent.json<{ message: { wamid: string } }>();
    const res = await graph(`/${PHONE_ID}/messages`, { messaging_product: "whatsapp", status: "read", message_id: message.wamid, typing_indicator: { type: "text" } });
    expect(await res.json()).toEqual({ success: true });
    const chat = await simulator(env).chat("436641110002");
    expect(chat.messages[0]?.status).toBe("read");
    expect(chat.typing).toBe(true);
  });

  it("lists the demo templates with paging", async () => {
    const first = await dev(`/__dev/graph/v23.0/${WABA_ID}/message_templates?limit=2`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const page = await first.json<{ data: { name: string; status: string }[]; paging: { next?: string } }>();
    expect(page.data).toHaveLength(2);
    expect(page.paging.next).toContain("after=");
    const all = await client().listTemplates();
    expect(all.map((t) => t.name)).toEqual(["meldung_status", "newsletter_woche", "warnung_aktuell", "rueckfrage"]);
    expect(all.every((t) => t.status === "APPROVED" && t.language === "de")).toBe(true);
    const wrong = await dev("/__dev/graph/v23.0/1/message_templates", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(wrong.status).toBe(400);
  });
});

describe("fake Graph API: media", () => {
  it("upload → GET media → download returns the same bytes", async () => {
    const c = client();
    const id = await c.uploadMedia(PNG.slice().buffer, "image/png", "foto.png");
    expect(id).toMatch(/^\d+$/);
    const info = await c.getMediaInfo(id);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", PNG))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(info).toMatchObject({ id, mime_type: "image/png", sha256: digest, file_size: PNG.byteLength, messaging_product: "whatsapp" });
    const { bytes, contentType } = await c.downloadMedia(info.url);
    expect(new Uint8Array(bytes)).toEqual(PNG);
    expect(contentType).toBe("image/png");

    // The download URL needs the bearer token, and cannot be forged.
    expect((await simFetch(info.url)).status).toBe(401);
    const forged = new URL(info.url);
    forged.searchParams.set("hash", "0".repeat(32));
    expect((await simFetch(forged.toString(), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it("refuses unsupported types, empty files and unknown ids", async () => {
    const form = (type: string, bytes: Uint8Array) => {
      const f = new FormData();
      f.append("messaging_product", "whatsapp");
      f.append("type", type);
      f.append("file", new Blob([bytes.slice()], { type }), "x");
      return f;
    };
    for (const body of [form("application/x-msdownload", PNG), form("image/png", new Uint8Array()), new FormData()]) {
      const res = await dev(`/__dev/graph/v23.0/${PHONE_ID}/media`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body });
      expect(res.status).toBe(400);
      expect((await res.json<GraphErrorJson>()).error.code).toBe(100);
    }
    const unknown = await client().getMediaInfo("424242").catch((e: unknown) => e);
    expect((unknown as GraphApiError).code).toBe(100);
  });
});

describe("opt-in fault: lost answers (SIMULATOR_LOSE_ANSWERS)", () => {
  it("takes the message (its statuses follow) but answers 504 without Meta's envelope, which the client calls ambiguous", async () => {
    const losing = { ...env, SIMULATOR_LOSE_ANSWERS: "1" } as Env;
    const losingClient = createWhatsAppClient({
      apiBase: `${ORIGIN}/__dev/graph/v23.0`,
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      fetch: (input, init) => dev(new Request(input, init).url.slice(ORIGIN.length), init, losing),
    });
    const err = await losingClient.sendText({ waId: "436641110099" }, "Hallo", { callbackData: "m:lost" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err).toMatchObject({ ambiguous: true, httpStatus: 504 });
    // Accepted all the same: a "sent" status is on its way.
    expect(await simulator(env).pendingStatuses()).toBeGreaterThan(0);
  });
});
