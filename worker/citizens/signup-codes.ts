// Sign-up codes: the widget turns a choice of channels into a short code that the citizen sends
// ("ANMELDEN 7Q2F"). A code is reusable by any number of citizens until it expires (30 days), so a
// code printed on a poster or shared in a chat works for everybody. The same choice of channels
// gets the same code while it still has at least a week to live, which keeps the table small.
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { signupCodes } from "../db/schema";
import { InvalidInput, Unavailable } from "../shared/errors";
import { CODE_ALPHABET, CODE_LENGTH, looksLikeCode, normalizeCode } from "./codes-shape";
import { existingChannelIdsQuery } from "./subscriptions";

export const CODE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A code with less time left than this is not handed out again for a new sign-up. */
const REUSE_MIN_REMAINING_MS = 7 * 24 * 60 * 60 * 1000;

export interface SignupCode {
  code: string;
  channelIds: string[];
  expiresAt: number;
}

export type CodeLookup =
  | { status: "valid"; code: string; channelIds: string[] }
  | { status: "expired"; code: string }
  | { status: "unknown"; code: string };

export function randomCode(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
    // 256 % 31 is small; the bias this leaves is irrelevant for a lookup code.
    const code = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
    if (looksLikeCode(code)) return code;
  }
}

/** Returns a code naming exactly these channels (all must exist and not be archived). */
export async function createSignupCode(db: Db, channelIds: string[], now = Date.now()): Promise<SignupCode> {
  const wanted = [...new Set(channelIds)].sort();
  const key = JSON.stringify(wanted);
  // Both reads in one D1 round trip.
  const [openRows, reusableRows] = await db.batch([
    existingChannelIdsQuery(db, wanted, { openOnly: true }),
    db
      .select({ code: signupCodes.code, expiresAt: signupCodes.expiresAt })
      .from(signupCodes)
      .where(and(sql`${signupCodes.channelIds} = ${key}`, gt(signupCodes.expiresAt, now + REUSE_MIN_REMAINING_MS)))
      .limit(1),
  ]);
  const open = openRows.map((r) => r.id);
  const missing = wanted.filter((id) => !open.includes(id));
  if (missing.length) {
    throw new InvalidInput("unknown_channel", "Diesen Kanal gibt es nicht oder er ist archiviert. Bitte die Seite neu laden und einen offenen Kanal wählen.", { channels: missing });
  }
  const reusable = reusableRows[0];
  if (reusable) return { code: reusable.code, channelIds: wanted, expiresAt: reusable.expiresAt };

  const expiresAt = now + CODE_TTL_MS;
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = randomCode();
    const inserted = await db
      .insert(signupCodes)
      .values({ code, channelIds: wanted, createdAt: now, expiresAt })
      .onConflictDoNothing()
      .returning({ code: signupCodes.code });
    if (inserted.length) return { code, channelIds: wanted, expiresAt };
  }
  throw new Unavailable("no_code", "Gerade kann kein Code erzeugt werden. Bitte in ein paar Minuten noch einmal versuchen.");
}

/** Looks a code up (case-insensitive) and marks its first use, in one statement. */
export async function redeemSignupCode(db: Db, rawCode: string, now = Date.now()): Promise<CodeLookup> {
  const code = normalizeCode(rawCode);
  // Touches the row only to set used_at on the first valid use; answers with the row either way.
  const [row] = await db
    .update(signupCodes)
    .set({ usedAt: sql`coalesce(${signupCodes.usedAt}, CASE WHEN ${signupCodes.expiresAt} > ${now} THEN ${now} END)` })
    .where(eq(signupCodes.code, code))
    .returning({ channelIds: signupCodes.channelIds, expiresAt: signupCodes.expiresAt });
  if (!row) return { status: "unknown", code };
  if (row.expiresAt <= now) return { status: "expired", code };
  return { status: "valid", code, channelIds: row.channelIds };
}

/** A valid code, for the QR image; null when unknown or expired. */
export async function findValidCode(db: Db, rawCode: string, now = Date.now()): Promise<SignupCode | null> {
  const row = await db.select().from(signupCodes).where(eq(signupCodes.code, normalizeCode(rawCode))).get();
  if (!row || row.expiresAt <= now) return null;
  return { code: row.code, channelIds: row.channelIds, expiresAt: row.expiresAt };
}

/** Codes expired for more than 30 days are of no use any more (daily cleanup). */
export async function purgeExpiredCodes(db: Db, now = Date.now()): Promise<number> {
  const deleted = await db
    .delete(signupCodes)
    .where(lt(signupCodes.expiresAt, now - CODE_TTL_MS))
    .returning({ code: signupCodes.code });
  return deleted.length;
}

/** The prefilled text and links the widget shows. */
export function signupLinks(o: { code: string; keyword: string; displayNumber: string }) {
  const text = `${o.keyword} ${o.code}`;
  return {
    text,
    waLink: `https://wa.me/${o.displayNumber}?text=${encodeURIComponent(text)}`,
    qrSvgUrl: `/api/public/signup-codes/${o.code}/qr.svg`,
  };
}
