// The chunks of one queue batch taking turns: a bounded number claim at once, a chunk whose work
// is all at the pacer lets the next start, and a chunk left waiting for a retry hands it back to the
// queue rather than hold up the batch when more work waits behind it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BatchContext } from "../worker/broadcasts/batch-context";
import { consumerDeps, runChunk } from "../worker/broadcasts/consumer";
import { recipientRows, seedCitizens } from "./helpers/broadcasts";
import { createAndSend, graph, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture();

describe("BatchContext", () => {
  it("lets a limited number of chunks work at once and hands a place on when one leaves", async () => {
    const context = new BatchContext(0, 2);
    const [a, b, c] = [context.turn(), context.turn(), context.turn()];
    await a.take();
    await b.take();
    let cStarted = false;
    const cTaken = c.take().then(() => void (cStarted = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(cStarted).toBe(false);
    a.leave();
    a.leave(); // leaving twice frees one place only
    await cTaken;
    expect(cStarted).toBe(true);
    // Taking again while holding a place does not take a second one.
    await b.take();
    b.leave();
    c.leave();
    expect(context.othersBusy).toBe(false);
  });
});

describe("retries at the end of a batch", () => {
  it("a chunk that only waits for a retry hands it back to the queue when more messages wait behind its batch", async () => {
    await seedCitizens([
      { id: "a", waId: "436611", channels: ["ch_news"] },
      { id: "b", waId: "436612", channels: ["ch_news"] },
    ]);
    graph.failSendsTo("436611", { status: 500, code: 131000, message: "Something went wrong" });
    const id = await createAndSend();
    const [chunk] = queue.drain();
    const result = await runChunk(consumerDeps(env), chunk!, new BatchContext(5));
    expect(result).toBe("requeued");
    expect(queue.messages).toMatchObject([{ body: { broadcastId: id, citizenIds: ["a"] }, delaySeconds: 1 }]);
    expect((await recipientRows(id)).map((r) => [r.citizen_id, r.status])).toEqual([
      ["a", "queued"],
      ["b", "sent"],
    ]);
  });

  it("with nothing behind it, the chunk waits for the retry itself and finishes", async () => {
    await seedCitizens([{ id: "a", waId: "436621", channels: ["ch_news"] }]);
    graph.failSendsTo("436621", { status: 500, code: 131000, message: "Something went wrong" });
    const id = await createAndSend();
    const [chunk] = queue.drain();
    expect(await runChunk(consumerDeps(env), chunk!, new BatchContext(0))).toBe("done");
    expect(queue.messages).toHaveLength(0);
    expect(await recipientRows(id)).toMatchObject([{ status: "sent", attempts: 2 }]);
  });
});
