// What one sign-up costs in D1 round trips, phase by phase: the widget's code, the citizen's
// WhatsApp message (webhook), the keyword job with its confirmation, and the three status webhooks.
// D1 runs one query at a time per database (also in production), so these numbers bound the
// sign-ups per second (docs/broadcast-fanout.md, "Sign-ups"). A change that adds a round trip
// fails here and must say why.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "./helpers/auth";
import { runInboundJob, seedChannels } from "./helpers/citizens";
import { countD1RoundTrips } from "./helpers/d1-round-trips";
import { installFakeGraph, type AcceptedMessage, type FakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue, postWebhook, statusValue } from "./helpers/meta";

let nextIp = 0;
const signupCode = async () => {
  const res = await api("/api/public/signup-codes", { body: { channels: ["ch_events"] }, headers: { "cf-connecting-ip": `10.77.0.${++nextIp}` } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { text: string }).text;
};

const lastInbound = async () => (await env.DB.prepare("SELECT id FROM messages WHERE direction = 'in' ORDER BY rowid DESC LIMIT 1").first<{ id: string }>())!.id;

describe("one sign-up, in D1 round trips", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
    // The first sign-up creates the code and fills the isolate's keyword cache; the budget is for the ones after it.
    const text = await signupCode();
    await postWebhook(envelope(messageValue({ type: "text", text: { body: text } }, { from: "436609990000" })));
    expect(await runInboundJob(await lastInbound())).toBe("ack");
  });
  afterEach(() => graph.restore());

  it("costs at most 2 for the code, 2 for the webhook, 7 for the job, 1 per status webhook", async () => {
    let text = "";
    const widget = await countD1RoundTrips(async () => void (text = await signupCode()));
    expect(widget, widget.join("\n")).toHaveLength(2);

    const from = "436601234567";
    const webhook = await countD1RoundTrips(async () => {
      expect((await postWebhook(envelope(messageValue({ type: "text", text: { body: text } }, { from })))).status).toBe(200);
    });
    expect(webhook, webhook.join("\n")).toHaveLength(2);

    const messageId = await lastInbound();
    const job = await countD1RoundTrips(async () => expect(await runInboundJob(messageId)).toBe("ack"));
    expect(job, job.join("\n")).toHaveLength(7);
    const confirmation = graph.accepted.at(-1)!;
    expect(confirmation.to).toBe(from);
    const subscribed = await env.DB.prepare("SELECT count(*) AS n FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id WHERE c.wa_id = ? AND s.active = 1")
      .bind(from)
      .first<{ n: number }>();
    expect(subscribed?.n).toBe(1);

    for (const status of ["sent", "delivered", "read"]) {
      const trips = await countD1RoundTrips(async () => {
        const st = { id: confirmation.wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: from, biz_opaque_callback_data: confirmation.callbackData };
        expect((await postWebhook(envelope(statusValue([st])))).status).toBe(200);
      });
      expect(trips, `${status}: ${trips.join("\n")}`).toHaveLength(1);
    }
    const reply = await env.DB.prepare("SELECT status FROM messages WHERE direction = 'out' AND wamid = ?").bind(confirmation.wamid).first<{ status: string }>();
    expect(reply?.status).toBe("read");
  });

  it("takes a webhook's statuses for many replies in one round trip", async () => {
    const wamids: AcceptedMessage[] = [];
    for (let i = 0; i < 3; i++) {
      const from = `43660222000${i}`;
      await postWebhook(envelope(messageValue({ type: "text", text: { body: await signupCode() } }, { from })));
      expect(await runInboundJob(await lastInbound())).toBe("ack");
      wamids.push(graph.accepted.at(-1)!);
    }
    const statuses = wamids.flatMap((a) =>
      ["sent", "delivered"].map((status) => ({ id: a.wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: a.to, biz_opaque_callback_data: a.callbackData ?? undefined })),
    );
    const trips = await countD1RoundTrips(async () => expect((await postWebhook(envelope(statusValue(statuses)))).status).toBe(200));
    expect(trips, trips.join("\n")).toHaveLength(1);
    const rows = await env.DB.prepare(`SELECT status FROM messages WHERE wamid IN (${wamids.map(() => "?").join(",")})`).bind(...wamids.map((w) => w.wamid)).all<{ status: string }>();
    expect(rows.results.map((r) => r.status)).toEqual(["delivered", "delivered", "delivered"]);
  });
});
