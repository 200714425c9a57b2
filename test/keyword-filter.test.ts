// The webhook only queues background work for messages the bot may answer; ordinary questions are
// stored as processed, so they cost no job (and the cron does not pick them up either).
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { keywordRulesCache } from "../worker/citizens/keywords/rules-cache";
import { api, loginAs } from "./helpers/auth";
import { DEFAULT_KEYWORDS } from "../worker/citizens/keywords/rule";
import { staleUnprocessedMessages } from "../worker/intake/webhook-events";
import { activeChannels, citizenIdOf, db, runInboundJob, seedChannels } from "./helpers/citizens";
import { installFakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue, postWebhook, textMessage } from "./helpers/meta";

describe("keyword filter at the webhook", () => {
  let send: MockInstance;
  const queued = () =>
    send.mock.calls.flatMap(([batch]) => [...(batch as Iterable<{ body: { type: string } }>)].map((m) => m.body.type));
  const processedAt = async (text: string) =>
    (await env.DB.prepare("SELECT processed_at FROM messages WHERE text = ?").bind(text).first<{ processed_at: number | null }>())?.processed_at;

  beforeEach(async () => {
    await seedChannels();
    keywordRulesCache.clear();
    send = vi.spyOn(env.JOBS_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
  });
  afterEach(() => send.mockRestore());

  it("an ordinary question is stored as processed and queues nothing", async () => {
    await postWebhook(textMessage("Wann startet der Brückenlauf?"));
    expect(queued()).toEqual([]);
    expect(await processedAt("Wann startet der Brückenlauf?")).toBeGreaterThan(0);
  });

  it.each(["WANN", "Wann?", "MÜLL Bahnstraße 12", "müll"])("a calendar question (%s) queues the bot job, which decides", async (text) => {
    await postWebhook(textMessage(text));
    expect(queued()).toEqual(["inbound.process"]);
    expect(await processedAt(text)).toBeNull();
  });

  it.each(["ANMELDEN", "stopp 🙏", "Kanäle", "FREIBAD", "ANMELDEN 7Q2F"])("%s queues the bot job", async (text) => {
    await postWebhook(textMessage(text));
    expect(queued()).toEqual(["inbound.process"]);
    expect(await processedAt(text)).toBeNull();
  });

  it("a tap on our channel menu queues the bot job; other interactive replies do not", async () => {
    await postWebhook(envelope(messageValue({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "tw:ch:ch_events", title: "Events" } } })));
    await postWebhook(envelope(messageValue({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "other", title: "Ja" } } })));
    expect(queued()).toEqual(["inbound.process"]);
  });

  it("a photo queues only the media download", async () => {
    await postWebhook(envelope(messageValue({ type: "image", image: { id: "1", mime_type: "image/jpeg" } })));
    expect(queued()).toEqual(["media.fetch"]);
  });

  it("a channel keyword created by staff works at once", async () => {
    await postWebhook(textMessage("MARKT"));
    expect(queued()).toEqual([]);
    const editor = await loginAs("editor");
    const res = await api("/api/channels", { as: editor, body: { name: "Bauernmarkt", keyword: "MARKT" } });
    expect(res.status).toBe(201);
    await postWebhook(textMessage("markt"));
    expect(queued()).toEqual(["inbound.process"]);
  });

  // Another isolate (or a migration, or the console) changes the rules: this isolate's cache does not
  // know, so its "not a keyword" is checked against the rules version when the message is stored.
  it("a keyword this isolate's cache does not know yet is still handled (channel keyword added elsewhere)", async () => {
    await postWebhook(textMessage("Hallo")); // warms the cache
    await env.DB.prepare("INSERT INTO channels (id, name, keyword, position) VALUES ('ch_markt', 'Bauernmarkt', 'MARKT', 9)").run();
    expect(keywordRulesCache.get()).not.toBeNull();
    await postWebhook(textMessage("MARKT", { from: "436649900001" }));
    expect(await processedAt("MARKT")).toBeNull();
    expect(queued()).toEqual(["inbound.process"]);
    const id = (await env.DB.prepare("SELECT id FROM messages WHERE text = 'MARKT'").first<{ id: string }>())?.id ?? "";
    const graph = installFakeGraph();
    expect(await runInboundJob(id)).toBe("ack");
    graph.restore();
    expect(await activeChannels(await citizenIdOf("436649900001"))).toEqual(["ch_markt"]);
  });

  it("a command keyword configured elsewhere is handled, and the cron finds it even when the queue send failed", async () => {
    await postWebhook(textMessage("Hallo"));
    const config = { ...DEFAULT_KEYWORDS, subscribe: { de: ["JA", "ANMELDEN"], en: ["SUBSCRIBE"] } };
    await env.DB.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('citizens.keywords', ?, 1)").bind(JSON.stringify(config)).run();
    send.mockRejectedValue(new Error("queue unavailable"));
    expect((await postWebhook(textMessage("Ja", { from: "436649900002" }))).status).toBe(200);
    expect(await processedAt("Ja")).toBeNull();
    const id = (await env.DB.prepare("SELECT id FROM messages WHERE text = 'Ja'").first<{ id: string }>())?.id ?? "";
    expect(await staleUnprocessedMessages(db(), -60_000)).toContain(id);
    const graph = installFakeGraph();
    expect(await runInboundJob(id)).toBe("ack");
    graph.restore();
    expect(await activeChannels(await citizenIdOf("436649900002"))).toEqual(["ch_adhoc", "ch_newsletter"]);
  });

  it("with unchanged rules an ordinary message is still stored as processed (the cache still saves the job)", async () => {
    await postWebhook(textMessage("Hallo"));
    await postWebhook(textMessage("Guten Morgen"));
    expect(queued()).toEqual([]);
    expect(await processedAt("Guten Morgen")).toBeGreaterThan(0);
  });
});
