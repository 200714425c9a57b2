// The citizen's latest word wins: consent actions apply in WhatsApp-timestamp order, whatever order
// webhooks arrive in or jobs run in (docs/inbound.md).
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../worker/db/client";
import { processInboundMessage } from "../worker/citizens/process-inbound";
import { clientFromConfig } from "../worker/whatsapp";
import { getConfig } from "../worker/env";
import { activeChannels, citizenIdOf, incomingTap, incomingText, runInboundJob, seedChannels } from "./helpers/citizens";
import { api, loginAs, type Session } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { postWebhook, textMessage } from "./helpers/meta";

const BASE = Math.floor(Date.now() / 1000) - 3600;
/** WhatsApp timestamp `s` seconds after BASE (seconds, as Meta sends it). */
const at = (s: number) => String(BASE + s);

interface ConsentRow {
  channel_id: string | null;
  action: string;
  superseded: number;
  acted_at: number | null;
  created_at: number;
  message_wamid: string | null;
}
const consentLog = async (citizenId: string) =>
  (
    await env.DB.prepare(
      "SELECT channel_id, action, superseded, acted_at, created_at, message_wamid FROM consent_events WHERE citizen_id = ? ORDER BY id",
    )
      .bind(citizenId)
      .all<ConsentRow>()
  ).results;

const replyTo = async (messageId: string) =>
  (await env.DB.prepare("SELECT text FROM messages WHERE id = ?").bind(`re_${messageId}`).first<{ text: string }>())?.text ?? "";

describe("consent in WhatsApp-timestamp order", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
  });
  afterEach(() => graph.restore());

  it("ANMELDEN then STOP, delivered in reverse order: the citizen stays unsubscribed and is not told otherwise", async () => {
    const from = "436641100001";
    const stop = await incomingText("STOP", { from, id: "wamid.stop", timestamp: at(2) });
    await runInboundJob(stop);
    const anmelden = await incomingText("ANMELDEN", { from, id: "wamid.anmelden", timestamp: at(1) });
    await runInboundJob(anmelden);
    const citizenId = await citizenIdOf(from);
    expect(await activeChannels(citizenId)).toEqual([]);

    const reply = await replyTo(anmelden);
    expect(reply).not.toContain("angemeldet für");
    expect(reply).toContain("älter als Ihre letzte Änderung");
    expect(reply).toContain("Sie haben derzeit keinen Kanal abonniert");

    // Every event is kept, with the citizen's time and the time it was recorded.
    const log = await consentLog(citizenId);
    expect(log.map((e) => [e.channel_id, e.action, e.superseded, e.message_wamid])).toEqual([
      [null, "unsubscribe_all", 0, "wamid.stop"],
      ["ch_newsletter", "subscribe", 1, "wamid.anmelden"],
      ["ch_adhoc", "subscribe", 1, "wamid.anmelden"],
    ]);
    expect(log[1]?.acted_at).toBe((BASE + 1) * 1000);
    expect(log[1]?.created_at).toBeGreaterThan((BASE + 1) * 1000);
  });

  it("ANMELDEN then STOP, stored in order but the jobs run in reverse", async () => {
    const from = "436641100002";
    const anmelden = await incomingText("ANMELDEN", { from, timestamp: at(1) });
    const stop = await incomingText("STOP", { from, timestamp: at(2) });
    await runInboundJob(stop);
    await runInboundJob(anmelden);
    expect(await activeChannels(await citizenIdOf(from))).toEqual([]);
  });

  it("an older STOP processed after a newer ANMELDEN leaves the citizen subscribed, and says so", async () => {
    const from = "436641100003";
    const stop = await incomingText("STOP", { from, timestamp: at(1) });
    const anmelden = await incomingText("ANMELDEN", { from, timestamp: at(2) });
    await runInboundJob(anmelden);
    await runInboundJob(stop);
    const citizenId = await citizenIdOf(from);
    expect(await activeChannels(citizenId)).toEqual(["ch_adhoc", "ch_newsletter"]);
    const reply = await replyTo(stop);
    expect(reply).not.toContain("von allen Kanälen abgemeldet");
    expect(reply).toContain("Ihre Kanäle: Newsletter, Ad-hoc-Infos");
    expect((await consentLog(citizenId)).filter((e) => e.superseded).map((e) => [e.channel_id, e.action])).toEqual([
      ["ch_adhoc", "unsubscribe_all"],
      ["ch_newsletter", "unsubscribe_all"],
    ]);
  });

  // t1 "ANMELDEN FREIBAD", t2 "STOP", t3 "EVENTS": by the citizen's clock only Events is on at the end.
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  it.each(orders)("per channel and for all: any processing order (%i, %i, %i) ends with Events only", async (...order) => {
    const from = `43664110010${order.join("")}`;
    // Subscribed long before to the defaults.
    await runInboundJob(await incomingText("ANMELDEN", { from, timestamp: at(0) }));
    const ids = [
      await incomingText("ANMELDEN FREIBAD", { from, timestamp: at(10) }),
      await incomingText("STOP", { from, timestamp: at(20) }),
      await incomingText("EVENTS", { from, timestamp: at(30) }),
    ];
    for (const i of order) await runInboundJob(ids[i] ?? "");
    expect(await activeChannels(await citizenIdOf(from))).toEqual(["ch_events"]);
  });

  it("a redelivered webhook or job of an old ANMELDEN changes nothing", async () => {
    const from = "436641100004";
    const anmelden = textMessage("ANMELDEN", { from, id: "wamid.redeliver", timestamp: at(1) });
    expect((await postWebhook(anmelden)).status).toBe(200);
    const messageId = (await env.DB.prepare("SELECT id FROM messages WHERE wamid = 'wamid.redeliver'").first<{ id: string }>())?.id ?? "";
    await runInboundJob(messageId);
    await runInboundJob(await incomingText("STOP", { from, timestamp: at(2) }));
    expect((await postWebhook(anmelden)).status).toBe(200);
    await runInboundJob(messageId);
    expect(await activeChannels(await citizenIdOf(from))).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE wamid = 'wamid.redeliver'").first("n")).toBe(1);
  });

  it("same second: the opt-out wins, in either order (per channel and for all)", async () => {
    for (const [first, second, from] of [
      ["ANMELDEN", "STOP", "436641100005"],
      ["STOP", "ANMELDEN", "436641100006"],
      ["FREIBAD", "ABMELDEN FREIBAD", "436641100007"],
      ["ABMELDEN FREIBAD", "FREIBAD", "436641100008"],
    ] as const) {
      const a = await incomingText(first, { from, timestamp: at(5) });
      const b = await incomingText(second, { from, timestamp: at(5) });
      await runInboundJob(a);
      await runInboundJob(b);
      expect(await activeChannels(await citizenIdOf(from)), `${first} + ${second}`).toEqual([]);
    }
  });

  it("menu taps carry their meaning: two 'on' taps stay on whatever order they run in", async () => {
    const from = "436641100009";
    const tap1 = await incomingTap("list_reply", "tw:on:ch_freibad", "Freibad", { from, timestamp: at(1) });
    const tap2 = await incomingTap("list_reply", "tw:on:ch_freibad", "Freibad", { from, timestamp: at(2) });
    const off = await incomingTap("list_reply", "tw:off:ch_freibad", "✅ Freibad", { from, timestamp: at(3) });
    await runInboundJob(off);
    await runInboundJob(tap2);
    await runInboundJob(tap1);
    expect(await activeChannels(await citizenIdOf(from))).toEqual([]);
    expect(await replyTo(tap2)).toContain("älter als Ihre letzte Änderung");
  });

  describe("staff changes on the citizen's request", () => {
    let editor: Session;
    beforeEach(async () => {
      editor = await loginAs("editor");
    });

    it("a staff unsubscribe is not undone by an older ANMELDEN processed later", async () => {
      const from = "436641100010";
      await runInboundJob(await incomingText("ANMELDEN", { from, timestamp: at(0) }));
      const late = await incomingText("ANMELDEN EVENTS", { from, timestamp: at(60) });
      const citizenId = await citizenIdOf(from);
      const res = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { unsubscribe: ["ch_events", "ch_newsletter"] } });
      expect(res.status).toBe(200);
      await runInboundJob(late);
      expect(await activeChannels(citizenId)).toEqual(["ch_adhoc"]);
    });

    it("a staff subscribe is not undone by an older STOP processed later", async () => {
      const from = "436641100011";
      await runInboundJob(await incomingText("HILFE", { from, timestamp: at(0) }));
      const late = await incomingText("STOP", { from, timestamp: at(60) });
      const citizenId = await citizenIdOf(from);
      await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_freibad"] } });
      await runInboundJob(late);
      expect(await activeChannels(citizenId)).toEqual(["ch_freibad"]);
      const log = await consentLog(citizenId);
      expect(log.at(-1)).toMatchObject({ channel_id: "ch_freibad", action: "unsubscribe_all", superseded: 1 });
    });
  });

  it("two jobs of one citizen running at once: the state follows the timestamps and no reply claims a change that lost", async () => {
    const deps = () => ({ db: getDb(env.DB), whatsapp: clientFromConfig(getConfig(env)), publish: async () => undefined });
    for (let i = 0; i < 4; i++) {
      const from = `43664110020${i}`;
      const anmelden = await incomingText("ANMELDEN", { from, timestamp: at(1) });
      const stop = await incomingText("STOP", { from, timestamp: at(2) });
      const jobs = i % 2 ? [stop, anmelden] : [anmelden, stop];
      await Promise.all(jobs.map((id) => processInboundMessage(deps(), id)));
      const citizenId = await citizenIdOf(from);
      expect(await activeChannels(citizenId)).toEqual([]);
      const applied = await env.DB.prepare("SELECT count(*) AS n FROM consent_events WHERE citizen_id = ? AND action = 'subscribe' AND superseded = 0")
        .bind(citizenId)
        .first<number>("n");
      // The ANMELDEN reply says "angemeldet" only if it really was applied (before the newer STOP).
      if (!applied) expect(await replyTo(anmelden)).not.toContain("angemeldet für");
    }
  });
});

describe("consent order, checked against the rule on random histories", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
  });
  afterEach(() => graph.restore());

  // Each command: the channels it switches on or off (ANMELDEN = the default channels).
  const COMMANDS: Record<string, { on?: string[]; off?: string[] | "all" }> = {
    ANMELDEN: { on: ["ch_newsletter", "ch_adhoc"] },
    STOP: { off: "all" },
    FREIBAD: { on: ["ch_freibad"] },
    "ABMELDEN FREIBAD": { off: ["ch_freibad"] },
    "ANMELDEN EVENTS FREIBAD": { on: ["ch_events", "ch_freibad"] },
    "ABMELDEN EVENTS": { off: ["ch_events"] },
  };

  /** The rule: apply in timestamp order; in the same second the opt-outs come last. */
  function expected(history: { text: string; t: number }[]): string[] {
    const active = new Set<string>();
    const sorted = [...history].sort((a, b) => a.t - b.t || Number(Boolean(COMMANDS[a.text]?.off)) - Number(Boolean(COMMANDS[b.text]?.off)));
    for (const h of sorted) {
      const c = COMMANDS[h.text];
      for (const id of c?.on ?? []) active.add(id);
      if (c?.off === "all") active.clear();
      else for (const id of c?.off ?? []) active.delete(id);
    }
    return [...active].sort();
  }

  it("12 random histories of 5 actions, processed in random order, end as the rule says", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const texts = Object.keys(COMMANDS);
    for (let run = 0; run < 12; run++) {
      const from = `4366412${String(run).padStart(5, "0")}`;
      const history = Array.from({ length: 5 }, () => ({ text: texts[rand(texts.length)] ?? "STOP", t: rand(4) }));
      const ids: string[] = [];
      for (const h of history) ids.push(await incomingText(h.text, { from, timestamp: at(h.t) }));
      const order = ids.map((id) => ({ id, k: rand(1000) })).sort((a, b) => a.k - b.k);
      for (const o of order) await runInboundJob(o.id);
      expect(await activeChannels(await citizenIdOf(from)), JSON.stringify(history)).toEqual(expected(history));
    }
  }, 180_000);
});
