// WebAuthn challenges: random, kept in D1 for a short time and used at most once. The verification
// takes the challenge out of the browser's signed clientDataJSON and deletes it in the same statement
// that checks purpose, owner and expiry, so a replayed or late answer finds nothing.
import { sql } from "drizzle-orm";
import { decodeClientDataJSON } from "@simplewebauthn/server/helpers";
import type { Db } from "../db/client";
import { Unauthenticated } from "../shared/errors";

/** How long a challenge is good for: the browser's prompt plus a person's hesitation. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengePurpose = "register" | "login";

export async function storeChallenge(db: Db, challenge: string, purpose: ChallengePurpose, staffId: string | null, now = Date.now()): Promise<void> {
  // Expired ones go first, so sign-in options asked for by anyone cannot pile up.
  await db.run(sql`DELETE FROM webauthn_challenges WHERE expires_at <= ${now}`);
  await db.run(sql`INSERT INTO webauthn_challenges (challenge, purpose, staff_id, expires_at) VALUES (${challenge}, ${purpose}, ${staffId}, ${now + CHALLENGE_TTL_MS})`);
}

export const challengeExpired = () =>
  new Unauthenticated("passkey_challenge_invalid", "Die Anfrage ist abgelaufen oder wurde schon verwendet. Bitte noch einmal von vorne beginnen.");

/** The challenge the browser signed, if clientDataJSON can be read at all. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    return typeof challenge === "string" && challenge.length > 0 && challenge.length <= 200 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Takes (deletes) the challenge the browser answered, if it is still valid for this purpose and
 * person; throws passkey_challenge_invalid otherwise. Returns the challenge for the verification.
 */
export async function takeChallenge(db: Db, clientDataJSON: string, purpose: ChallengePurpose, staffId: string | null, now = Date.now()): Promise<string> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge) throw challengeExpired();
  const row = await db.get<{ challenge: string }>(sql`
    DELETE FROM webauthn_challenges
    WHERE challenge = ${challenge} AND purpose = ${purpose} AND staff_id IS ${staffId} AND expires_at > ${now}
    RETURNING challenge`);
  if (!row) throw challengeExpired();
  return row.challenge;
}
