// Sending to a Cloudflare Queue within its limits: sendBatch takes at most 100 messages and
// 256 KB in total, so any list is sent in as many calls as it needs.

/** Queues: messages per sendBatch call. */
export const QUEUE_MAX_BATCH_MESSAGES = 100;
/** Queues: bytes per sendBatch call (256 KB), with room for per-message overhead. */
const BATCH_BYTE_BUDGET = 200_000;

const encoder = new TextEncoder();

/** Sends every body as a JSON message, in batches of ≤ 100 messages and ≤ ~200 KB; in order. */
export async function sendAll(queue: Queue<unknown>, bodies: readonly unknown[], options?: QueueSendBatchOptions): Promise<void> {
  let batch: MessageSendRequest<unknown>[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length) await queue.sendBatch(batch, options);
    batch = [];
    bytes = 0;
  };
  for (const body of bodies) {
    const size = encoder.encode(JSON.stringify(body) ?? "").byteLength;
    if (batch.length === QUEUE_MAX_BATCH_MESSAGES || (batch.length > 0 && bytes + size > BATCH_BYTE_BUDGET)) await flush();
    batch.push({ body, contentType: "json" });
    bytes += size;
  }
  await flush();
}
