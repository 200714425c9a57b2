// The dead-letter queue (townwire-dlq): messages that kept failing are kept in D1 for staff to see.
import { chunk, itemsPerStatement } from "../db/chunk";
import { getDb } from "../db/client";
import { deadLetters } from "../db/schema";
import type { Env } from "../env";

export async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = getDb(env.DB);
  // Multi-row INSERTs within D1's 100 parameters, all in one transaction.
  const [first, ...rest] = chunk(batch.messages, itemsPerStatement(3)).map((part) =>
    db.insert(deadLetters).values(part.map((m) => ({ queue: batch.queue, body: m.body }))),
  );
  if (first) await db.batch([first, ...rest]);
  batch.ackAll();
}
