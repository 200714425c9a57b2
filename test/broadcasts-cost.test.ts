// What a fan-out costs in D1 round trips: one chunk of 100 recipients through the consumer (claim,
// send, record, progress), and the status webhooks WhatsApp sends back (sent, delivered, read for
// each, up to 100 per webhook). D1 runs one query at a time per database, in production too, so
// round trips per message bound the messages per second one town's database can carry
// (docs/broadcast-fanout.md, "What limits the rate").
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BatchContext } from "../worker/broadcasts/batch-context";
import { consumerDeps, runChunk } from "../worker/broadcasts/consumer";
import { recipientRows, seedSubscribers } from "./helpers/broadcasts";
import { createAndSend, graph, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";
import { countD1RoundTrips } from "./helpers/d1-round-trips";
import { envelope, postWebhook, statusValue } from "./helpers/meta";

useBroadcastFixture();

describe("a fan-out, in D1 round trips", () => {
  it("one chunk of 100 recipients takes 10 batches and a few reads, and their 300 statuses 3 webhooks of one each", { timeout: 60_000 }, async () => {
    await seedSubscribers("ch_news", 100, "c", Date.now());
    const id = await createAndSend();
    const [chunk] = queue.drain();
    expect(chunk?.citizenIds).toHaveLength(100);

    const trips = await countD1RoundTrips(async () => expect(await runChunk(consumerDeps(env), chunk!, new BatchContext(0))).toBe("done"));
    // 5 groups of 20: each claimed (one batch) and recorded (one batch), whatever the timing.
    expect(trips.filter((t) => t.startsWith("batch of"))).toHaveLength(10);
    // Around them: reading the broadcast, the chunk's rows and finishing it (measured 9, 2026-11-30).
    // Not counted: the two reads that depend on time, not on recipients (the pause/cancel watch reads
    // the status at most every 250 ms, the live progress is sent at most about once a second).
    const timed = (t: string) => t.startsWith('select "status" from "broadcasts"') || t.startsWith("SELECT broadcast_id, status, count(*)");
    expect(trips.filter((t) => !t.startsWith("batch of") && !timed(t)).length, trips.join("\n")).toBeLessThanOrEqual(10);
    const accepted = graph.accepted.filter((a) => a.callbackData?.startsWith(`b:${id}:`));
    expect(accepted).toHaveLength(100);

    for (const status of ["sent", "delivered", "read"]) {
      const statuses = accepted.map((a) => ({ id: a.wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: a.to, biz_opaque_callback_data: a.callbackData }));
      const hook = await countD1RoundTrips(async () => expect((await postWebhook(envelope(statusValue(statuses)))).status).toBe(200));
      // The statuses in one round trip; reading the counts for the live progress is the other.
      expect(hook.length, `${status}: ${hook.join("\n")}`).toBeLessThanOrEqual(2);
    }
    expect(new Set((await recipientRows(id)).map((r) => r.status))).toEqual(new Set(["read"]));
  });
});
