// Starting a broadcast to a large audience: the recipients are materialised by one INSERT … SELECT
// in D1 (never row batches through the Worker) and enqueued in chunks, within D1's 100 bound
// parameters and the queue's 100 messages per sendBatch (test/helpers/platform-limits.ts fails the
// test on any statement or sendBatch over a limit). 6,000 citizens, seeded in SQL so it stays fast.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saveMessagingTier } from "../worker/broadcasts/tier";
import { getDb } from "../worker/db/client";
import { act, create, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture([
  ["ch_news", "Newsletter"],
  ["ch_events", "Events"],
]);

const N = 6_000;

/**
 * Citizens x00001…x06000: all in ch_news, every third also in ch_events (so in both: once), every
 * 50th left ch_news again (inactive, and not in ch_events unless a multiple of 3 too), every 97th
 * erased, every 89th without any WhatsApp address.
 */
async function seedLargeAudience(): Promise<number> {
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})`;
  const id = "'x' || printf('%05d', i)";
  await env.DB.batch([
    env.DB.prepare(`${numbers}
      INSERT INTO citizens (id, wa_id, name, erased_at, last_inbound_at)
      SELECT ${id}, CASE WHEN i % 89 = 0 OR i % 97 = 0 THEN NULL ELSE '4366' || (10000000 + i) END,
             'Bürger ' || i, CASE WHEN i % 97 = 0 THEN 1 ELSE NULL END, ?1 FROM n`).bind(Date.now() - 3_600_000),
    env.DB.prepare(`${numbers}
      INSERT INTO subscriptions (citizen_id, channel_id, active) SELECT ${id}, 'ch_news', CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END FROM n`),
    env.DB.prepare(`${numbers}
      INSERT INTO subscriptions (citizen_id, channel_id, active) SELECT ${id}, 'ch_events', 1 FROM n WHERE i % 3 = 0`),
  ]);
  let expected = 0;
  for (let i = 1; i <= N; i++) {
    const reachable = i % 89 !== 0 && i % 97 !== 0;
    const subscribed = i % 50 !== 0 || i % 3 === 0;
    if (reachable && subscribed) expected++;
  }
  return expected;
}

describe("materialising a large audience", () => {
  it("inserts every reachable subscriber once and enqueues each exactly once, in chunks within the limits", async () => {
    const expected = await seedLargeAudience();
    const id = await create({ channelIds: ["ch_news", "ch_events"] });
    const started = await act(id, "send");
    expect(started.broadcast.status).toBe("sending");
    expect(started.broadcast.counts).toMatchObject({ recipients: expected, queued: expected });

    const rows = await env.DB.prepare(
      "SELECT count(*) AS n, count(DISTINCT citizen_id) AS distinct_n, sum(status = 'queued') AS queued FROM broadcast_recipients WHERE broadcast_id = ?",
    )
      .bind(id)
      .first<{ n: number; distinct_n: number; queued: number }>();
    expect(rows).toEqual({ n: expected, distinct_n: expected, queued: expected });
    // Erased citizens, citizens without an address, and those who left every target channel are not in it.
    const wrong = await env.DB.prepare(
      `SELECT count(*) AS n FROM broadcast_recipients r JOIN citizens c ON c.id = r.citizen_id
       WHERE r.broadcast_id = ? AND (c.erased_at IS NOT NULL OR c.wa_id IS NULL
         OR NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.citizen_id = c.id AND s.active = 1))`,
    )
      .bind(id)
      .first<{ n: number }>();
    expect(wrong?.n).toBe(0);

    // Every recipient in exactly one chunk of at most 100.
    const chunks = queue.drain();
    expect(chunks.every((c) => c.broadcastId === id && c.citizenIds.length <= 100)).toBe(true);
    const enqueued = chunks.flatMap((c) => c.citizenIds);
    expect(enqueued).toHaveLength(expected);
    expect(new Set(enqueued).size).toBe(expected);
  });

  it("a second start of the same broadcast inserts nothing more; over the messaging tier the rest is deferred", async () => {
    await seedLargeAudience();
    await saveMessagingTier(getDb(env.DB), 2_500);
    const id = await create({ channelIds: ["ch_news"] });
    const started = await act(id, "send");
    expect(started.broadcast.counts).toMatchObject({ queued: 2_500 });
    await act(id, "send", 409);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n, sum(status = 'queued') AS queued, sum(status = 'deferred') AS deferred FROM broadcast_recipients WHERE broadcast_id = ?",
    )
      .bind(id)
      .first<{ n: number; queued: number; deferred: number }>();
    expect(rows?.queued).toBe(2_500);
    expect(rows?.deferred).toBe((rows?.n ?? 0) - 2_500);
    expect(queue.drain().flatMap((c) => c.citizenIds)).toHaveLength(2_500);
  });
});
