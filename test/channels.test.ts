import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lastDays, subscriberGrowth } from "../worker/citizens/growth";
import { changeSubscriptions } from "../worker/citizens/subscriptions";
import { api, loginAs, type Session } from "./helpers/auth";
import { activeChannels, citizenIdOf, consentRows, db, incomingText, runInboundJob, seedChannels } from "./helpers/citizens";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

interface ChannelJson {
  id: string;
  name: string;
  description: string;
  keyword: string | null;
  defaultOn: boolean;
  position: number;
  archived: boolean;
  subscriberCount: number;
}

const json = async <T>(res: Response, status = 200): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return JSON.parse(body) as T;
};
const errorCode = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

let graph: FakeGraph;
beforeEach(async () => {
  graph = installFakeGraph();
  await seedChannels();
});
afterEach(() => graph.restore());

async function subscribe(from: string, text = "ANMELDEN"): Promise<string> {
  await runInboundJob(await incomingText(text, { from, name: `Person ${from.slice(-4)}` }));
  return citizenIdOf(from);
}

describe("channels API", () => {
  let agent: Session;
  let editor: Session;
  beforeEach(async () => {
    agent = await loginAs("agent");
    editor = await loginAs("editor");
  });

  it("lists channels in order with subscriber counts (erased citizens do not count)", async () => {
    await subscribe("436641000001");
    await subscribe("436641000002", "FREIBAD");
    const erased = await subscribe("436641000003");
    await env.DB.prepare("UPDATE citizens SET erased_at = 1 WHERE id = ?").bind(erased).run();
    const { channels } = await json<{ channels: ChannelJson[] }>(await api("/api/channels", { as: agent }));
    expect(channels.map((c) => [c.id, c.subscriberCount])).toEqual([
      ["ch_newsletter", 1],
      ["ch_adhoc", 1],
      ["ch_events", 0],
      ["ch_freibad", 1],
      ["ch_brueckenlauf", 0],
    ]);
    expect(channels[1]).toMatchObject({ name: "Ad-hoc-Infos", keyword: "INFO", defaultOn: true, archived: false });
  });

  it("needs a session", async () => {
    expect((await api("/api/channels")).status).toBe(401);
  });

  it("editors create channels; the keyword is stored in capitals", async () => {
    const { channel } = await json<{ channel: ChannelJson }>(
      await api("/api/channels", { as: editor, body: { name: "Müllabfuhr", description: "Termine", keyword: "müll", defaultOn: false } }),
      201,
    );
    expect(channel).toMatchObject({ name: "Müllabfuhr", keyword: "MÜLL", position: 5, archived: false, subscriberCount: 0 });
    expect(channel.id).toMatch(/^ch_/);
    // Citizens can now use it.
    await subscribe("436641000010", "Müll");
    expect(await activeChannels(await citizenIdOf("436641000010"))).toEqual([channel.id]);
  });

  it("agents may not create or change channels", async () => {
    expect((await api("/api/channels", { as: agent, body: { name: "X" } })).status).toBe(403);
    expect((await api("/api/channels/ch_events", { as: agent, method: "PATCH", body: { name: "X" } })).status).toBe(403);
  });

  it("rejects bad input with 400 and a reason", async () => {
    for (const body of [{}, { name: "" }, { name: "A", keyword: "zwei Wörter" }, { name: "A", position: -1 }, { name: "x".repeat(61) }, { name: "A", defaultOn: "ja" }]) {
      const res = await api("/api/channels", { as: editor, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorCode(res)).toBe("bad_request");
    }
    const res = await api("/api/channels/ch_events", { as: editor, method: "PATCH", body: {} });
    expect(res.status).toBe(400);
    const broken = await api("/api/channels", { as: editor, body: "{nope", headers: { "content-type": "application/json" } });
    expect(broken.status).toBe(400);
  });

  it("refuses a keyword that is a command or another channel's keyword (any spelling) with 409", async () => {
    for (const keyword of ["stop", "Kanäle", "KANAELE", "freibad", "Info"]) {
      const res = await api("/api/channels", { as: editor, body: { name: "Neu", keyword } });
      expect(res.status, keyword).toBe(409);
      expect(await errorCode(res)).toBe("keyword_taken");
    }
    // Its own keyword is fine on edit.
    expect((await api("/api/channels/ch_freibad", { as: editor, method: "PATCH", body: { keyword: "Freibad" } })).status).toBe(200);
  });

  it("edits and archives a channel; archived channels leave the widget and the menu but keep their data", async () => {
    const citizen = await subscribe("436641000020", "FREIBAD");
    const { channel } = await json<{ channel: ChannelJson }>(
      await api("/api/channels/ch_freibad", { as: editor, method: "PATCH", body: { name: "Freibad Hallein", description: "Öffnungszeiten", archived: true } }),
    );
    expect(channel).toMatchObject({ name: "Freibad Hallein", description: "Öffnungszeiten", archived: true, subscriberCount: 1 });
    const widget = await json<{ channels: { id: string }[] }>(await api("/api/public/widget-config"));
    expect(widget.channels.map((c) => c.id)).not.toContain("ch_freibad");
    await subscribe("436641000020", "KANÄLE");
    const rows = (graph.messages().at(-1)?.body.interactive as { action: { sections: { rows: { id: string }[] }[] } }).action.sections[0]?.rows;
    expect(rows?.map((r) => r.id)).not.toContain("tw:ch:ch_freibad");
    // The archived channel's keyword no longer reacts.
    await runInboundJob(await incomingText("FREIBAD", { from: "436641000021" }));
    expect(await consentRows(await citizenIdOf("436641000021"))).toEqual([]);
    expect(await activeChannels(citizen)).toEqual(["ch_freibad"]);
  });

  it("404 for an unknown channel", async () => {
    const res = await api("/api/channels/ch_nope", { as: editor, method: "PATCH", body: { name: "X" } });
    expect(res.status).toBe(404);
  });

  it("state-changing requests need our own Origin", async () => {
    const res = await api("/api/channels", { as: editor, body: { name: "X" }, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("bad_origin");
  });
});

describe("keyword settings API", () => {
  it("shows the keywords; only admins change them; clashes and bad words are refused", async () => {
    const editor = await loginAs("editor");
    const admin = await loginAs("admin");
    const { keywords } = await json<{ keywords: { subscribe: { de: string[] } } }>(await api("/api/keywords", { as: editor }));
    expect(keywords.subscribe.de).toEqual(["ANMELDEN", "START"]);
    const next = {
      subscribe: { de: ["ANMELDEN", "JA"], en: ["SUBSCRIBE"] },
      unsubscribe: { de: ["ABMELDEN", "STOP"], en: ["UNSUBSCRIBE"] },
      menu: { de: ["KANÄLE"], en: ["CHANNELS"] },
      help: { de: ["HILFE"], en: ["HELP"] },
    };
    expect((await api("/api/keywords", { as: editor, method: "PUT", body: next })).status).toBe(403);
    expect((await api("/api/keywords", { as: admin, method: "PUT", body: next })).status).toBe(200);
    await runInboundJob(await incomingText("ja", { from: "436641000030" }));
    expect(await activeChannels(await citizenIdOf("436641000030"))).toEqual(["ch_adhoc", "ch_newsletter"]);

    const clash = await api("/api/keywords", { as: admin, method: "PUT", body: { ...next, help: { de: ["FREIBAD"], en: [] } } });
    expect(clash.status).toBe(409);
    const twice = await api("/api/keywords", { as: admin, method: "PUT", body: { ...next, help: { de: ["STOP"], en: [] } } });
    expect(twice.status).toBe(400);
    const empty = await api("/api/keywords", { as: admin, method: "PUT", body: { ...next, subscribe: { de: [], en: [] } } });
    expect(empty.status).toBe(400);
    const phrase = await api("/api/keywords", { as: admin, method: "PUT", body: { ...next, help: { de: ["HILF MIR"], en: [] } } });
    expect(phrase.status).toBe(400);
  });
});

describe("subscribers API", () => {
  let agent: Session;
  let editor: Session;
  beforeEach(async () => {
    agent = await loginAs("agent");
    editor = await loginAs({ role: "editor", name: "Eva Editor" });
  });

  interface ListJson {
    subscribers: { id: string; name: string | null; waId: string | null; channels: string[] }[];
    nextCursor: string | null;
    counts: Record<string, number>;
    totalSubscribed: number;
  }

  it("lists citizens newest first with their channels and counts per channel", async () => {
    const a = await subscribe("436642000001");
    const b = await subscribe("436642000002", "EVENTS");
    const c = await subscribe("436642000003", "Hallo, eine Frage");
    const list = await json<ListJson>(await api("/api/subscribers", { as: agent }));
    expect(list.subscribers.map((s) => s.id)).toEqual([c, b, a]);
    expect(list.subscribers[2]).toMatchObject({ waId: "436642000001", name: "Person 0001", channels: ["ch_newsletter", "ch_adhoc"] });
    expect(list.counts).toEqual({ ch_newsletter: 1, ch_adhoc: 1, ch_events: 1 });
    expect(list.totalSubscribed).toBe(2);
    expect(list.nextCursor).toBeNull();
  });

  it("filters by channel, status and search (name or number), and pages with a cursor", async () => {
    const a = await subscribe("436642000011");
    const b = await subscribe("436642000012", "EVENTS");
    const c = await subscribe("436642000013", "Hallo");
    const ids = async (q: string) => (await json<ListJson>(await api(`/api/subscribers?${q}`, { as: agent }))).subscribers.map((s) => s.id);
    expect(await ids("channel=ch_events")).toEqual([b]);
    expect(await ids("channel=ch_newsletter")).toEqual([a]);
    expect(await ids("status=subscribed")).toEqual([b, a]);
    expect(await ids("status=unsubscribed")).toEqual([c]);
    expect(await ids(`q=${encodeURIComponent("0012")}`)).toEqual([b]);
    expect(await ids(`q=${encodeURIComponent("+43 664 2000013")}`)).toEqual([c]);
    expect(await ids(`q=${encodeURIComponent("0664 2000013")}`)).toEqual([c]);
    expect(await ids("q=Person%200011")).toEqual([a]);
    expect(await ids("q=%25")).toEqual([]);

    const page1 = await json<ListJson>(await api("/api/subscribers?limit=2", { as: agent }));
    expect(page1.subscribers.map((s) => s.id)).toEqual([c, b]);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await json<ListJson>(await api(`/api/subscribers?limit=2&cursor=${page1.nextCursor}`, { as: agent }));
    expect(page2.subscribers.map((s) => s.id)).toEqual([a]);
    expect(page2.nextCursor).toBeNull();

    for (const bad of ["cursor=abc", "limit=0", "limit=500", "status=weird"]) {
      expect((await api(`/api/subscribers?${bad}`, { as: agent })).status, bad).toBe(400);
    }
  });

  it("shows one subscriber with subscriptions and the full consent history, oldest first", async () => {
    const id = await subscribe("436642000021");
    await runInboundJob(await incomingText("STOP INFO", { from: "436642000021" }));
    await runInboundJob(await incomingText("FREIBAD", { from: "436642000021" }));
    const detail = await json<{
      subscriber: { id: string; channels: string[]; erasedAt: number | null };
      subscriptions: { channelId: string; active: boolean }[];
      consent: { id: number; channelId: string | null; channelName: string | null; action: string; source: string; createdAt: number }[];
      conversations: { id: string }[];
    }>(await api(`/api/subscribers/${id}`, { as: agent }));
    expect(detail.subscriber).toMatchObject({ id, channels: ["ch_newsletter", "ch_freibad"], erasedAt: null });
    expect(detail.subscriptions.map((s) => [s.channelId, s.active])).toEqual([
      ["ch_newsletter", true],
      ["ch_adhoc", false],
      ["ch_freibad", true],
    ]);
    expect(detail.consent.map((e) => [e.channelName, e.action])).toEqual([
      ["Newsletter", "subscribe"],
      ["Ad-hoc-Infos", "subscribe"],
      ["Ad-hoc-Infos", "unsubscribe"],
      ["Freibad", "subscribe"],
    ]);
    const ids = detail.consent.map((e) => e.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const times = detail.consent.map((e) => e.createdAt);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // Each keyword-only exchange is resolved by the bot, so the next keyword starts a new conversation.
    expect(detail.conversations).toHaveLength(3);
    expect((await api("/api/subscribers/nope", { as: agent })).status).toBe(404);
  });

  it("staff subscribe (editor) and unsubscribe (any staff) on a citizen's behalf, recorded with source staff", async () => {
    const id = await subscribe("436642000031", "Hallo");
    const denied = await api(`/api/subscribers/${id}/subscriptions`, { as: agent, body: { subscribe: ["ch_events"] } });
    expect(denied.status).toBe(403);
    const ok = await json<{ subscriptions: { channelId: string; active: boolean }[] }>(
      await api(`/api/subscribers/${id}/subscriptions`, { as: editor, body: { subscribe: ["ch_events", "ch_freibad"] } }),
    );
    expect(ok.subscriptions.filter((s) => s.active).map((s) => s.channelId)).toEqual(["ch_events", "ch_freibad"]);
    expect((await api(`/api/subscribers/${id}/subscriptions`, { as: agent, body: { unsubscribe: ["ch_freibad"] } })).status).toBe(200);
    const history = await consentRows(id);
    expect(history.map((e) => [e.channel_id, e.action, e.source, e.staff_id])).toEqual([
      ["ch_events", "subscribe", "staff", editor.staff.id],
      ["ch_freibad", "subscribe", "staff", editor.staff.id],
      ["ch_freibad", "unsubscribe", "staff", agent.staff.id],
    ]);
    const detail = await json<{ consent: { staffName: string | null }[] }>(await api(`/api/subscribers/${id}`, { as: agent }));
    expect(detail.consent[0]?.staffName).toBe("Eva Editor");

    for (const body of [{}, { subscribe: [] }, { subscribe: ["ch_events"], unsubscribe: ["ch_events"] }]) {
      expect((await api(`/api/subscribers/${id}/subscriptions`, { as: editor, body })).status).toBe(400);
    }
    const unknown = await api(`/api/subscribers/${id}/subscriptions`, { as: editor, body: { subscribe: ["ch_nope"] } });
    expect(unknown.status).toBe(400);
    expect(await errorCode(unknown)).toBe("unknown_channel");
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id = 'ch_brueckenlauf'").run();
    const archived = await api(`/api/subscribers/${id}/subscriptions`, { as: editor, body: { subscribe: ["ch_brueckenlauf"] } });
    expect(await errorCode(archived)).toBe("archived_channel");
    expect((await api(`/api/subscribers/nope/subscriptions`, { as: editor, body: { unsubscribe: ["ch_events"] } })).status).toBe(404);
  });
});

describe("subscriber growth", () => {
  it("counts subscribers per channel per Vienna day from the consent log", async () => {
    const day = 24 * 3600 * 1000;
    const now = Date.UTC(2026, 10, 28, 10, 0, 0);
    const at = (daysAgo: number) => now - daysAgo * day;
    const ins = (citizen: string, channel: string, action: string, t: number) =>
      env.DB.prepare("INSERT INTO consent_events (citizen_id, channel_id, action, source, created_at) VALUES (?, ?, ?, 'whatsapp_keyword', ?)").bind(citizen, channel, action, t);
    await env.DB.batch([
      ins("c1", "ch_events", "subscribe", at(40)), // before the window: the starting total
      ins("c2", "ch_events", "subscribe", at(2)),
      ins("c3", "ch_events", "subscribe", at(2)),
      ins("c2", "ch_events", "unsubscribe_all", at(1)),
      ins("c4", "ch_freibad", "subscribe", at(0)),
      // 23:30 UTC on Nov 26 is already Nov 27 in Vienna.
      ins("c5", "ch_freibad", "subscribe", Date.UTC(2026, 10, 26, 23, 30)),
    ]);
    const growth = await subscriberGrowth(db(), 3, now);
    expect(growth.days).toEqual(["2026-11-26", "2026-11-27", "2026-11-28"]);
    const events = growth.channels.find((c) => c.id === "ch_events");
    expect(events?.points).toEqual([
      { day: "2026-11-26", total: 3, joined: 2, left: 0 },
      { day: "2026-11-27", total: 2, joined: 0, left: 1 },
      { day: "2026-11-28", total: 2, joined: 0, left: 0 },
    ]);
    expect(growth.channels.find((c) => c.id === "ch_freibad")?.points.map((p) => p.total)).toEqual([0, 1, 2]);
  });

  it("lists whole calendar days across the daylight-saving change", () => {
    expect(lastDays(3, Date.UTC(2026, 2, 30, 5))).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
  });

  it("is served at /api/stats/subscriber-growth (days 1–365)", async () => {
    const agent = await loginAs("agent");
    const id = await subscribe("436643000001");
    await changeSubscriptions(db(), { citizenId: id, unsubscribe: ["ch_adhoc"], source: "staff" });
    const res = await json<{ days: string[]; channels: { id: string; points: { total: number }[] }[] }>(
      await api("/api/stats/subscriber-growth?days=7", { as: agent }),
    );
    expect(res.days).toHaveLength(7);
    expect(res.channels.find((c) => c.id === "ch_newsletter")?.points.at(-1)?.total).toBe(1);
    expect(res.channels.find((c) => c.id === "ch_adhoc")?.points.at(-1)?.total).toBe(0);
    expect((await api("/api/stats/subscriber-growth?days=0", { as: agent })).status).toBe(400);
    expect((await api("/api/stats/subscriber-growth?days=1000", { as: agent })).status).toBe(400);
    expect((await api("/api/stats/subscriber-growth")).status).toBe(401);
  });
});
