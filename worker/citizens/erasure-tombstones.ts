// After an erasure, Meta may still deliver the person's old messages: redeliveries of a webhook
// (same wamid, whose copy we no longer keep) or messages that were simply late, by days. Each erased
// identity (phone number, WhatsApp user id) leaves a tombstone: its salted, slow one-way hash and the
// erasure time. An inbound message whose WhatsApp timestamp (whole seconds) lies entirely before that
// time is dropped. A message sent after the erasure, or in its very second, is a new contact and is
// stored as one (a new, unsubscribed citizen).
import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { settings } from "../db/schema";

const SALT_SETTING = "citizens.erasure_salt";
/** PBKDF2 rounds for the number hash: a phone number has few digits, so the hash must be slow. */
const HASH_ITERATIONS = 100_000;

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A random salt per installation, created on first use and kept in settings. */
async function erasureSalt(db: Db): Promise<string> {
  const fresh = hex(crypto.getRandomValues(new Uint8Array(32)).buffer);
  await db.insert(settings).values({ key: SALT_SETTING, value: fresh }).onConflictDoNothing();
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SALT_SETTING)).get();
  return row?.value ?? fresh;
}

/** One-way hash of a phone number or user id (PBKDF2-SHA256 with the installation's salt). */
export async function identityHash(db: Db, identity: string): Promise<string> {
  const salt = await erasureSalt(db);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(identity), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: new TextEncoder().encode(salt), iterations: HASH_ITERATIONS },
    key,
    256,
  );
  return `pbkdf2-sha256:${hex(bits)}`;
}

/** Records (or moves forward) the tombstone of an erased identity; for the erasure's D1 batch. */
export const tombstoneStatement = (hash: string, erasedAt: number): SQL =>
  sql`INSERT INTO erasure_tombstones (identity_hash, erased_at) VALUES (${hash}, ${erasedAt})
    ON CONFLICT (identity_hash) DO UPDATE SET erased_at = max(erased_at, excluded.erased_at)`;

/** WhatsApp timestamps have whole seconds: a message is surely older than an erasure only if its whole second is. */
const SECOND_MS = 1000;

export type ErasedPastCheck = (msg: { waId?: string | null; userId?: string | null; sentAt: number }) => Promise<boolean>;

/**
 * A check for one webhook: true when the sender of a message was erased after the message was sent,
 * so it belongs to the erased past and must not be stored. The latest erasure time is read once (one
 * indexed query); the slow hash is computed only for a message older than that (a late webhook).
 */
export function erasedPastCheck(db: Db): ErasedPastCheck {
  let latest: Promise<number> | null = null;
  return async (msg) => {
    latest ??= db.get<{ at: number | null }>(sql`SELECT max(erased_at) AS at FROM erasure_tombstones`).then((r) => r?.at ?? 0);
    if (msg.sentAt + SECOND_MS > (await latest)) return false;
    const identities = [msg.waId, msg.userId].filter((v): v is string => Boolean(v));
    for (const identity of identities) {
      const hash = await identityHash(db, identity);
      const hit = await db.get<{ one: number }>(
        sql`SELECT 1 AS one FROM erasure_tombstones WHERE identity_hash = ${hash} AND erased_at >= ${msg.sentAt + SECOND_MS}`,
      );
      if (hit) return true;
    }
    return false;
  };
}
