// Alerts have a queue of their own ("townwire-alerts", ALERT_QUEUE): their chunks never wait behind a
// newsletter's backlog, nor (locally, where a queue delivers one batch at a time) behind the
// newsletter batch that is sending. Order is checked, never time.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { broadcastEnqueuer, chunkMessages } from "../worker/broadcasts/lifecycle";
import { getDb } from "../worker/db/client";
import { drainQueue, recipientRows, runChunks, seedSubscribers } from "./helpers/broadcasts";
import { createAndSend, graph, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture([
  ["ch_news", "Newsletter"],
  ["ch_alarm", "Warnungen"],
]);

const alertBody = { kind: "alert", title: "Hochwasser", text: "Achtung: Hochwasser an der Enns.", channelIds: ["ch_alarm"] };
const broadcastOf = (cb: unknown) => String(cb).split(":")[1];

/** Takes the captured messages of one queue, leaving the other's. */
function take(which: "broadcasts" | "alerts") {
  const mine = queue.messages.filter((m) => m.queue === which);
  const rest = queue.messages.filter((m) => m.queue !== which);
  queue.messages.splice(0, queue.messages.length, ...rest);
  return mine.map((m) => m.body);
}

describe("alert queue", () => {
  it("puts an alert's chunks on the alert queue and a newsletter's on the broadcast queue, also when handed back later", async () => {
    await seedSubscribers("ch_news", 150, "n");
    await seedSubscribers("ch_alarm", 30, "a");
    const news = await createAndSend();
    const alert = await createAndSend(alertBody);
    expect(queue.messages.filter((m) => m.queue === "broadcasts").map((m) => m.body.broadcastId)).toEqual([news, news]);
    expect(queue.messages.filter((m) => m.queue === "alerts").map((m) => m.body.broadcastId)).toEqual([alert]);
    queue.drain();
    // Re-enqueued work (a consumer's rest, the cron's recovery, a fallback) keeps its queue, in one call.
    await broadcastEnqueuer(env, getDb(env.DB))([...chunkMessages(news, ["n0001"]), ...chunkMessages(alert, ["a0001"]), ...chunkMessages("unknown", ["x"])], 2);
    expect(queue.messages.map((m) => [m.queue, m.body.broadcastId, m.delaySeconds])).toEqual([
      ["alerts", alert, 2],
      ["broadcasts", news, 2],
      ["broadcasts", "unknown", 2],
    ]);
  });

  it("sends an alert from its own queue while a newsletter batch is still sending, then finishes the newsletter", async () => {
    await seedSubscribers("ch_news", 120, "n");
    await seedSubscribers("ch_alarm", 20, "a");
    const news = await createAndSend();
    const newsRun = runChunks(take("broadcasts"));
    // The newsletter is under way (its batch holds the broadcast queue) when the alert starts.
    await new Promise<void>((resolve) => {
      const poll = () => (graph.messages().length >= 5 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    const alert = await createAndSend(alertBody);
    const alertChunks = take("alerts");
    expect(alertChunks).toHaveLength(1);
    const alertResult = await runChunks(alertChunks, 1, "townwire-alerts");
    expect(alertResult.explicitAcks).toHaveLength(1);
    expect((await recipientRows(alert)).every((r) => r.status === "sent")).toBe(true);
    // The alert was through while the newsletter batch still had recipients to send.
    const sentBeforeNewsEnded = graph.messages().map((m) => broadcastOf(m.body.biz_opaque_callback_data));
    expect(sentBeforeNewsEnded.filter((b) => b === alert)).toHaveLength(20);
    expect(sentBeforeNewsEnded.filter((b) => b === news).length).toBeLessThan(120);
    await newsRun;
    await drainQueue(queue);
    const rows = await recipientRows(news);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(120);
    // Everyone exactly once.
    const per = new Map<string, number>();
    for (const m of graph.messages()) per.set(String(m.body.biz_opaque_callback_data), (per.get(String(m.body.biz_opaque_callback_data)) ?? 0) + 1);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(per.size).toBe(140);
  });
});
