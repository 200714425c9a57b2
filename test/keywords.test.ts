import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_KEYWORDS, parseKeywordMessage, type KeywordConfig } from "../worker/citizens/keywords/rule";
import { saveKeywordConfig } from "../worker/citizens/keywords/settings";
import { activeSubscriberIds } from "../worker/citizens/subscriptions";
import { createSignupCode } from "../worker/citizens/signup-codes";
import {
  activeChannels,
  citizenIdOf,
  consentRows,
  db,
  incoming,
  incomingTap,
  incomingText,
  runInboundJob,
  seedChannels,
} from "./helpers/citizens";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue, postWebhook, textMessage } from "./helpers/meta";

const CHANNEL_KEYWORDS = [
  { channelId: "ch_newsletter", keyword: "NEWSLETTER" },
  { channelId: "ch_freibad", keyword: "FREIBAD" },
  { channelId: "ch_brueckenlauf", keyword: "LAUF" },
];
const parse = (text: string, config: KeywordConfig = DEFAULT_KEYWORDS) => parseKeywordMessage(text, config, CHANNEL_KEYWORDS);

describe("the keyword rule (parser)", () => {
  it.each([
    "ANMELDEN",
    "anmelden",
    "Anmelden!",
    "  anmelden  ",
    "ANMELDEN 👍",
    "🙋‍♀️ anmelden",
    "Bitte anmelden",
    "Hallo, ich möchte mich anmelden 😊",
    "START",
    "start",
    "Start.",
    "Servus, START bitte",
  ])("%j subscribes to the default channels, answered in German", (text) => {
    expect(parse(text)).toEqual({ command: "subscribe", lang: "de", code: null, channelIds: [] });
  });

  it.each(["SUBSCRIBE", "subscribe please", "Hi, I want to subscribe 🙂"])("%j is the English subscribe", (text) => {
    expect(parse(text)).toEqual({ command: "subscribe", lang: "en", code: null, channelIds: [] });
  });

  it.each(["ANMELDEN 7Q2F", "anmelden 7q2f", "ANMELDEN: 7Q2F 🙂", "Bitte ANMELDEN – 7Q2F"])("%j carries the sign-up code", (text) => {
    expect(parse(text)).toEqual({ command: "subscribe", lang: "de", code: "7Q2F", channelIds: [] });
  });

  it.each(["STOP", "stop", "STOPP", "Stopp!!", "ABMELDEN", "abmelden bitte", "Bitte abmelden 🙏", "Stopp, keine Nachrichten mehr", "🛑 STOP 🛑"])(
    "%j unsubscribes from everything",
    (text) => {
      expect(parse(text)).toEqual({ command: "unsubscribe", lang: "de", channelIds: [] });
    },
  );

  it.each(["UNSUBSCRIBE", "unsubscribe please"])("%j is the English unsubscribe", (text) => {
    expect(parse(text)).toEqual({ command: "unsubscribe", lang: "en", channelIds: [] });
  });

  it.each(["KANÄLE", "kanäle", "KANAELE", "Kanaele", "kanale", "MENÜ", "menü", "MENU", "Menue", "Menü 📋", "KANÄLE bitte"])(
    "%j opens the channel menu",
    (text) => {
      expect(parse(text)).toEqual({ command: "menu", lang: "de" });
    },
  );

  it("CHANNELS is the English menu, HELP the English help", () => {
    expect(parse("channels")).toEqual({ command: "menu", lang: "en" });
    expect(parse("HELP")).toEqual({ command: "help", lang: "en" });
    expect(parse("Help?")).toEqual({ command: "help", lang: "en" });
  });

  it.each(["HILFE", "hilfe", "Hilfe?", "HILFE 🆘"])("%j is the help", (text) => {
    expect(parse(text)).toEqual({ command: "help", lang: "de" });
  });

  it("channel keywords name channels: alone (subscribe) or with ANMELDEN/ABMELDEN", () => {
    expect(parse("FREIBAD")).toEqual({ command: "subscribe", lang: null, code: null, channelIds: ["ch_freibad"] });
    expect(parse("Freibad, Lauf")).toEqual({ command: "subscribe", lang: null, code: null, channelIds: ["ch_freibad", "ch_brueckenlauf"] });
    expect(parse("ANMELDEN FREIBAD")).toEqual({ command: "subscribe", lang: "de", code: null, channelIds: ["ch_freibad"] });
    expect(parse("STOP Freibad")).toEqual({ command: "unsubscribe", lang: "de", channelIds: ["ch_freibad"] });
    expect(parse("Ich möchte mich vom Newsletter abmelden")).toEqual({ command: "unsubscribe", lang: "de", channelIds: ["ch_newsletter"] });
  });

  it.each([
    "Wann startet der Brückenlauf?",
    "Die Ampel bei der Schule zeigt immer Stop",
    "Start ist um 10 Uhr",
    "Ist das Freibad heute offen?",
    "Anmelden zum Brückenlauf – wo geht das?",
    "Stop?",
    "Hallo",
    "Danke!",
    "👍",
    "",
    "ANMELDEN ABMELDEN",
    "STOP 7Q2F",
    "ANMELDEN 7Q2F 8K3M",
    "anmelden 2026",
    "Wie kann ich mich für den Newsletter anmelden",
    `ANMELDEN ${"bitte ".repeat(40)}`,
  ])("%j is an ordinary message for the inbox", (text) => {
    expect(parse(text)).toBeNull();
  });

  it("uses the configured keywords", () => {
    const custom: KeywordConfig = { ...DEFAULT_KEYWORDS, subscribe: { de: ["JA", "ANMELDEN"], en: ["YES"] } };
    expect(parse("Ja!", custom)).toEqual({ command: "subscribe", lang: "de", code: null, channelIds: [] });
    expect(parse("yes", custom)).toEqual({ command: "subscribe", lang: "en", code: null, channelIds: [] });
    expect(parse("START", custom)).toBeNull();
  });
});

describe("keywords over WhatsApp (inbound.process job)", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
  });
  afterEach(() => graph.restore());

  const lastSent = () => graph.messages().at(-1)?.body as Record<string, unknown> & {
    text?: { body: string };
    interactive?: { type: string; body: { text: string }; action: Record<string, unknown> };
  };

  it("ANMELDEN subscribes to the default channels, records consent and replies in the conversation", async () => {
    const id = await incomingText("Anmelden 👍", { from: "436641111111", id: "wamid.anmelden1" });
    expect(await runInboundJob(id)).toBe("ack");
    const citizenId = await citizenIdOf("436641111111");
    expect(await activeChannels(citizenId)).toEqual(["ch_adhoc", "ch_newsletter"]);
    const consent = await consentRows(citizenId);
    expect(consent.map((e) => [e.channel_id, e.action, e.source, e.message_wamid])).toEqual([
      ["ch_newsletter", "subscribe", "whatsapp_keyword", "wamid.anmelden1"],
      ["ch_adhoc", "subscribe", "whatsapp_keyword", "wamid.anmelden1"],
    ]);

    expect(graph.messages()).toHaveLength(1);
    const sent = lastSent();
    expect(sent.to).toBe("436641111111");
    expect(sent.biz_opaque_callback_data).toBe(`m:re_${id}`);
    expect(sent.text?.body).toContain("Sie sind jetzt angemeldet für: Newsletter, Ad-hoc-Infos");
    expect(sent.text?.body).toContain("KANÄLE");
    expect(sent.text?.body).toContain("ABMELDEN");

    // Both the keyword and the bot's reply stay in the conversation for staff.
    const rows = await env.DB.prepare("SELECT id, direction, text, status, wamid, processed_at, conversation_id FROM messages ORDER BY created_at, direction").all<{
      id: string;
      direction: string;
      text: string;
      status: string;
      wamid: string;
      processed_at: number | null;
      conversation_id: string;
    }>();
    expect(rows.results).toHaveLength(2);
    const [inbound, reply] = rows.results;
    expect(inbound).toMatchObject({ id, direction: "in", text: "Anmelden 👍" });
    expect(inbound?.processed_at).toBeTypeOf("number");
    expect(reply).toMatchObject({ id: `re_${id}`, direction: "out", status: "sent", wamid: "wamid.fake1", conversation_id: inbound?.conversation_id });
    expect(reply?.text).toContain("Newsletter");
    const conv = await env.DB.prepare("SELECT last_message_preview FROM conversations").first<{ last_message_preview: string }>();
    expect(conv?.last_message_preview).toContain("angemeldet");
  });

  it("answers the English keyword in English and remembers the language", async () => {
    const id = await incomingText("subscribe", { from: "436642222222" });
    await runInboundJob(id);
    expect(lastSent().text?.body).toContain("You are now subscribed to: Newsletter, Ad-hoc-Infos");
    expect(lastSent().text?.body).toContain("CHANNELS");
    const citizen = await env.DB.prepare("SELECT locale FROM citizens").first<{ locale: string }>();
    expect(citizen?.locale).toBe("en");
  });

  it("a sign-up code subscribes to exactly the channels it names", async () => {
    const { code } = await createSignupCode(db(), ["ch_freibad", "ch_events"]);
    const id = await incomingText(`ANMELDEN ${code}`, { from: "436643333333", id: "wamid.code1" });
    await runInboundJob(id);
    const citizenId = await citizenIdOf("436643333333");
    expect(await activeChannels(citizenId)).toEqual(["ch_events", "ch_freibad"]);
    const consent = await consentRows(citizenId);
    expect(consent.every((e) => e.source === "widget_code" && e.message_wamid === "wamid.code1")).toBe(true);
    expect(lastSent().text?.body).toContain("Events, Freibad");
  });

  it("a code can be used by several citizens and again by the same one (no duplicate consent)", async () => {
    const { code } = await createSignupCode(db(), ["ch_brueckenlauf"]);
    await runInboundJob(await incomingText(`anmelden ${code.toLowerCase()}`, { from: "436644000001" }));
    await runInboundJob(await incomingText(`ANMELDEN ${code}`, { from: "436644000002" }));
    await runInboundJob(await incomingText(`ANMELDEN ${code}`, { from: "436644000001" }));
    expect(await activeSubscriberIds(db(), ["ch_brueckenlauf"])).toEqual(
      [await citizenIdOf("436644000001"), await citizenIdOf("436644000002")].sort(),
    );
    expect(await consentRows(await citizenIdOf("436644000001"))).toHaveLength(1);
    expect(lastSent().text?.body).toContain("bereits angemeldet");
    const used = await env.DB.prepare("SELECT used_at FROM signup_codes").first<{ used_at: number | null }>();
    expect(used?.used_at).toBeTypeOf("number");
  });

  it("an unknown code subscribes to nothing and offers the menu", async () => {
    await runInboundJob(await incomingText("ANMELDEN 9ZZ9", { from: "436645555555" }));
    expect(await count("subscriptions")).toBe(0);
    expect(await count("consent_events")).toBe(0);
    const sent = lastSent();
    expect(sent.type).toBe("interactive");
    expect(sent.interactive?.body.text).toContain("Den Code 9ZZ9 kennen wir nicht");
  });

  it("an expired code subscribes to nothing and says it expired", async () => {
    const { code } = await createSignupCode(db(), ["ch_events"], Date.now() - 31 * 24 * 3600 * 1000);
    await runInboundJob(await incomingText(`ANMELDEN ${code}`, { from: "436645555556" }));
    expect(await count("subscriptions")).toBe(0);
    expect(lastSent().interactive?.body.text).toContain(`Der Code ${code} ist abgelaufen`);
  });

  it("KANÄLE answers with a list of at most ten channels to toggle, marking the active ones", async () => {
    await runInboundJob(await incomingText("ANMELDEN", { from: "436646666666" }));
    await runInboundJob(await incomingText("Kanäle", { from: "436646666666" }));
    const sent = lastSent();
    expect(sent.type).toBe("interactive");
    expect(sent.interactive?.type).toBe("list");
    const action = sent.interactive?.action as { button: string; sections: { rows: { id: string; title: string; description: string }[] }[] };
    expect(action.button).toBe("Kanäle wählen");
    const rows = action.sections[0]?.rows ?? [];
    // Each row says what a tap asks for (off for active channels, on for the others).
    expect(rows.map((r) => r.id)).toEqual(["tw:off:ch_newsletter", "tw:off:ch_adhoc", "tw:on:ch_events", "tw:on:ch_freibad", "tw:on:ch_brueckenlauf"]);
    expect(rows[0]?.title).toBe("✅ Newsletter");
    expect(rows[2]?.title).toBe("Events");
    for (const r of rows) {
      expect(r.title.length).toBeLessThanOrEqual(24);
      expect(r.description.length).toBeLessThanOrEqual(72);
    }
  });

  it("a list with more than ten channels shows ten rows", async () => {
    await env.DB.batch(
      Array.from({ length: 8 }, (_, i) =>
        env.DB.prepare("INSERT INTO channels (id, name, position) VALUES (?, ?, ?)").bind(`ch_x${i}`, `Extra ${i}`, 10 + i),
      ),
    );
    await runInboundJob(await incomingText("MENU", { from: "436646666667" }));
    const action = lastSent().interactive?.action as { sections: { rows: unknown[] }[] };
    expect(action.sections[0]?.rows).toHaveLength(10);
  });

  it("with three channels or fewer the menu uses reply buttons", async () => {
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id IN ('ch_events', 'ch_brueckenlauf')").run();
    await runInboundJob(await incomingText("menü", { from: "436646666668" }));
    const sent = lastSent();
    expect(sent.interactive?.type).toBe("button");
    const buttons = (sent.interactive?.action as { buttons: { reply: { id: string; title: string } }[] }).buttons;
    expect(buttons.map((b) => b.reply.id)).toEqual(["tw:on:ch_newsletter", "tw:on:ch_adhoc", "tw:on:ch_freibad"]);
    for (const b of buttons) expect(b.reply.title.length).toBeLessThanOrEqual(20);
  });

  it("a list_reply toggles the channel on and off, each confirmed and recorded as a menu consent", async () => {
    const from = "436647777777";
    await runInboundJob(await incomingTap("list_reply", "tw:ch:ch_freibad", "Freibad", { from, id: "wamid.tap1" }));
    const citizenId = await citizenIdOf(from);
    expect(await activeChannels(citizenId)).toEqual(["ch_freibad"]);
    expect(lastSent().text?.body).toContain("✅ Freibad ist jetzt an.");

    await runInboundJob(await incomingTap("list_reply", "tw:ch:ch_freibad", "✅ Freibad", { from, id: "wamid.tap2" }));
    expect(await activeChannels(citizenId)).toEqual([]);
    expect(lastSent().text?.body).toContain("Freibad ist jetzt aus.");
    expect((await consentRows(citizenId)).map((e) => [e.action, e.source, e.message_wamid])).toEqual([
      ["subscribe", "whatsapp_menu", "wamid.tap1"],
      ["unsubscribe", "whatsapp_menu", "wamid.tap2"],
    ]);
  });

  it("a button_reply toggles too; a tap on an archived channel changes nothing", async () => {
    const from = "436647777778";
    await runInboundJob(await incomingTap("button_reply", "tw:ch:ch_events", "Events", { from }));
    expect(await activeChannels(await citizenIdOf(from))).toEqual(["ch_events"]);
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id = 'ch_freibad'").run();
    await runInboundJob(await incomingTap("button_reply", "tw:ch:ch_freibad", "Freibad", { from }));
    expect(await activeChannels(await citizenIdOf(from))).toEqual(["ch_events"]);
    expect(lastSent().text?.body).toContain("Diesen Kanal gibt es nicht mehr");
  });

  it("STOP ends every subscription, is confirmed, and the citizen is left out of broadcasts until they opt in again", async () => {
    const from = "436648888888";
    // One second apart: in the same second an opt-out wins over an opt-in (docs/inbound.md).
    const base = Math.floor(Date.now() / 1000) - 60;
    const at = (s: number) => String(base + s);
    await runInboundJob(await incomingText("ANMELDEN", { from, timestamp: at(0) }));
    await runInboundJob(await incomingText("EVENTS", { from, timestamp: at(1) }));
    const other = "436648888889";
    await runInboundJob(await incomingText("ANMELDEN", { from: other }));
    const citizenId = await citizenIdOf(from);
    const otherId = await citizenIdOf(other);
    expect(await activeSubscriberIds(db(), ["ch_newsletter", "ch_events"])).toEqual([citizenId, otherId].sort());

    await runInboundJob(await incomingText("Stopp 🛑", { from, id: "wamid.stop1", timestamp: at(2) }));
    expect(await activeChannels(citizenId)).toEqual([]);
    expect(lastSent().text?.body).toContain("Sie sind von allen Kanälen abgemeldet");
    const ended = (await consentRows(citizenId)).filter((e) => e.action === "unsubscribe_all");
    expect(ended.map((e) => e.channel_id).sort()).toEqual(["ch_adhoc", "ch_events", "ch_newsletter"]);
    expect(ended.every((e) => e.message_wamid === "wamid.stop1" && e.source === "whatsapp_keyword")).toBe(true);
    expect(await activeSubscriberIds(db(), ["ch_newsletter", "ch_adhoc", "ch_events", "ch_freibad", "ch_brueckenlauf"])).toEqual([otherId]);

    // STOP again: confirmed again and recorded once more (without a channel), nothing else changes.
    await runInboundJob(await incomingText("STOP", { from, timestamp: at(3) }));
    expect(lastSent().text?.body).toContain("abgemeldet");
    expect((await consentRows(citizenId)).at(-1)).toMatchObject({ action: "unsubscribe_all", channel_id: null });

    await runInboundJob(await incomingText("ANMELDEN", { from, timestamp: at(4) }));
    expect(await activeSubscriberIds(db(), ["ch_newsletter"])).toEqual([citizenId, otherId].sort());
  });

  it("ABMELDEN <channel> leaves only that channel", async () => {
    const from = "436649999999";
    await runInboundJob(await incomingText("ANMELDEN", { from }));
    await runInboundJob(await incomingText("abmelden info", { from }));
    expect(await activeChannels(await citizenIdOf(from))).toEqual(["ch_newsletter"]);
    expect(lastSent().text?.body).toContain("Sie sind abgemeldet von: Ad-hoc-Infos. Ihre Kanäle: Newsletter.");
  });

  it("HILFE explains the keywords (HELP in English)", async () => {
    await runInboundJob(await incomingText("Hilfe?", { from: "436640000011" }));
    const de = lastSent().text?.body ?? "";
    for (const word of ["ANMELDEN", "KANÄLE", "ABMELDEN", "HILFE"]) expect(de).toContain(word);
    await runInboundJob(await incomingText("HELP", { from: "436640000011" }));
    expect(lastSent().text?.body).toContain("SUBSCRIBE – get our news");
    expect(await count("subscriptions")).toBe(0);
  });

  it("configured keywords replace the defaults", async () => {
    await saveKeywordConfig(db(), { ...DEFAULT_KEYWORDS, subscribe: { de: ["MITMACHEN"], en: ["JOIN"] } });
    await runInboundJob(await incomingText("Mitmachen!", { from: "436640000012" }));
    expect(await activeChannels(await citizenIdOf("436640000012"))).toEqual(["ch_adhoc", "ch_newsletter"]);
    expect(lastSent().text?.body).toContain("angemeldet");
    await runInboundJob(await incomingText("ANMELDEN", { from: "436640000013" }));
    expect(await count("subscriptions", "citizen_id = (SELECT id FROM citizens WHERE wa_id = '436640000013')")).toBe(0);
  });

  it("anything that is not a keyword stays an ordinary inbox message: no reply, no change", async () => {
    const texts = ["Wann startet der Brückenlauf?", "Die Straßenlaterne vor Nr. 5 ist kaputt, bitte STOP sagen", "Hallo"];
    for (const text of texts) expect(await runInboundJob(await incomingText(text, { from: "436640000014" }))).toBe("ack");
    const [photo] = await incoming(envelope(messageValue({ type: "image", image: { id: "m1", mime_type: "image/jpeg", caption: "STOP" } }, { from: "436640000014" })));
    expect(await runInboundJob(photo ?? "")).toBe("ack");
    expect(graph.messages()).toHaveLength(0);
    expect(await count("subscriptions")).toBe(0);
    expect(await count("messages", "direction = 'in'")).toBe(4);
    expect(await count("messages", "direction = 'out'")).toBe(0);
    expect(await count("messages", "processed_at IS NOT NULL")).toBe(4);
    const conv = await env.DB.prepare("SELECT status, unread_count FROM conversations").first<{ status: string; unread_count: number }>();
    expect(conv).toEqual({ status: "open", unread_count: 4 });
  });
});

describe("inbound.process is idempotent", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
  });
  afterEach(() => graph.restore());

  it("a redelivered job neither changes subscriptions again nor replies twice", async () => {
    const id = await incomingText("ANMELDEN", { from: "436641000001" });
    expect(await runInboundJob(id)).toBe("ack");
    expect(await runInboundJob(id, 2)).toBe("ack");
    expect(await runInboundJob(id, 3)).toBe("ack");
    expect(graph.messages()).toHaveLength(1);
    expect(await count("consent_events")).toBe(2);
    expect(await count("messages", "direction = 'out'")).toBe(1);
  });

  it("concurrent deliveries of the same job reply once", async () => {
    const id = await incomingText("KANÄLE", { from: "436641000002" });
    const outcomes = await Promise.all([runInboundJob(id), runInboundJob(id), runInboundJob(id)]);
    expect(outcomes.filter((o) => o === "ack").length + outcomes.filter((o) => o === "retry").length).toBe(3);
    expect(graph.messages()).toHaveLength(1);
    expect(await count("messages", "direction = 'out'")).toBe(1);
  });

  it("a reply that failed with a temporary error is sent on the retry, without applying the change twice", async () => {
    graph.failNextSends({ status: 503, code: 131000, message: "Something went wrong" });
    const id = await incomingText("ANMELDEN", { from: "436641000003" });
    expect(await runInboundJob(id)).toBe("retry");
    expect(await count("consent_events")).toBe(2);
    const pending = await env.DB.prepare("SELECT status FROM messages WHERE direction = 'out'").first<{ status: string }>();
    expect(pending?.status).toBe("pending");

    expect(await runInboundJob(id, 2)).toBe("ack");
    expect(graph.messages()).toHaveLength(2); // the failed attempt and the successful one
    expect(await count("consent_events")).toBe(2);
    const sent = await env.DB.prepare("SELECT status, wamid FROM messages WHERE direction = 'out'").first<{ status: string; wamid: string }>();
    expect(sent).toEqual({ status: "sent", wamid: "wamid.fake1" });
    expect(await runInboundJob(id, 3)).toBe("ack");
    expect(graph.messages()).toHaveLength(2);
  });

  it("a permanent send error marks the reply failed (visible to staff) and acks", async () => {
    graph.failNextSends({ status: 400, code: 131026, message: "Message undeliverable" });
    const id = await incomingText("HILFE", { from: "436641000004" });
    expect(await runInboundJob(id)).toBe("ack");
    const reply = await env.DB.prepare("SELECT status, error_code FROM messages WHERE direction = 'out'").first();
    expect(reply).toEqual({ status: "failed", error_code: 131026 });
    expect(await runInboundJob(id, 2)).toBe("ack");
    expect(graph.messages()).toHaveLength(1);
  });

  it("through the real webhook and queue: the keyword is handled in the background", async () => {
    const res = await postWebhook(textMessage("ANMELDEN", { from: "436641000005" }));
    expect(res.status).toBe(200);
    await vi.waitFor(
      async () => {
        const n = await count("subscriptions", "active = 1");
        if (n !== 2) throw new Error(`subscriptions: ${n}`);
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        if ((await count("messages", "direction = 'out' AND status = 'sent'")) !== 1) throw new Error("no reply yet");
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(graph.messages()).toHaveLength(1);
  });
});
