// Sign-in limits that slow the attacker, not the owner. Failed sign-ins are counted under three keys
// in rate_limits (count = failures, window_start = time of the last counted failure):
//   pair     one account from one address: a few free tries, then exponentially growing waits;
//   address  all accounts from one address: looser, same growing waits;
//   account  one account from all addresses: a high ceiling against distributed guessing, also growing
//            waits (never a hard lock) — and it does not apply to an address the account has signed in from.
// A guess from a stranger's address therefore never locks the owner out of their usual address.
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";

export interface BackoffRule {
  /** Failures that cost nothing. */
  free: number;
  /** Wait after the first failure beyond `free`; it doubles with each further failure. */
  baseMs: number;
  /** Longest wait. */
  capMs: number;
}

export const LOGIN_LIMITS = {
  pair: { free: 5, baseMs: 30_000, capMs: 60 * 60_000 },
  address: { free: 30, baseMs: 30_000, capMs: 60 * 60_000 },
  account: { free: 50, baseMs: 30_000, capMs: 15 * 60_000 },
} as const satisfies Record<string, BackoffRule>;

/** A key whose last counted failure is this old starts over at zero. */
export const LOGIN_FORGET_MS = 24 * 60 * 60_000;
/** An address that signed in to an account is "known" to it for this long (skips the address and account limits). */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60_000;

type Scope = keyof typeof LOGIN_LIMITS;

export function loginKeys(email: string, ip: string) {
  return {
    pair: `login:pair:${email}|${ip}`,
    address: `login:ip:${ip}`,
    account: `login:account:${email}`,
    known: `login:known:${email}|${ip}`,
  };
}

/** The keys that hold back sign-ins to one account (what an admin's unlock removes). */
const accountLockKeys = (email: string) => ({ pairPrefix: `login:pair:${email}|`, accountKey: `login:account:${email}` });

export interface LoginGate {
  allowed: boolean;
  /** The address signed in to this account before: only the pair key counted it. */
  knownAddress: boolean;
  /** Seconds until the next attempt is let through (0 when allowed). */
  retryAfterSeconds: number;
}

// Wait owed by a key with `count` failures, as SQL over rate_limits row `l` and a rule row `r`
// (<< stands in for 2^n; the exponent is clamped so the shift cannot overflow).
const WAIT = sql.raw(`CASE WHEN l.count < r.free THEN 0 ELSE min(r.cap, r.base << min(l.count - r.free, 30)) END`);

function rulesCte(keys: Record<Scope, string>, exempt: boolean) {
  const scopes: Scope[] = exempt ? ["pair"] : ["pair", "address", "account"];
  const rows = scopes.map((s) => sql`(${keys[s]}, ${LOGIN_LIMITS[s].free}, ${LOGIN_LIMITS[s].baseMs}, ${LOGIN_LIMITS[s].capMs})`);
  return sql`rules(key, free, base, cap) AS (VALUES ${sql.join(rows, sql`, `)})`;
}

/**
 * Decides and counts one sign-in attempt in a single statement, so a parallel burst cannot slip
 * past: the attempt is let through (and counted as a failure under every applicable key, before the
 * slow password check) only if no key still owes a wait. A refused attempt counts nowhere, so
 * hammering does not make anyone's wait longer. Keys of an address known to the account are only
 * counted under the pair key; the pair limit always applies.
 */
export async function admitLoginAttempt(db: Db, email: string, ip: string, now = Date.now()): Promise<LoginGate> {
  const keys = loginKeys(email, ip);
  const known = await db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM rate_limits WHERE key = ${keys.known} AND window_start > ${now - KNOWN_ADDRESS_MS}`,
  );
  const exempt = (known?.n ?? 0) > 0;
  const rules = rulesCte(keys, exempt);
  const admitted = await db.all<{ key: string }>(sql`
    WITH ${rules}
    INSERT INTO rate_limits (key, count, window_start)
    SELECT key, 1, ${now} FROM rules
    WHERE NOT EXISTS (
      SELECT 1 FROM rules r JOIN rate_limits l ON l.key = r.key
      WHERE l.window_start > ${now - LOGIN_FORGET_MS} AND l.window_start + ${WAIT} > ${now}
    )
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN window_start <= ${now - LOGIN_FORGET_MS} THEN 1 ELSE count + 1 END,
      window_start = ${now}
    RETURNING key`);
  if (admitted.length > 0) return { allowed: true, knownAddress: exempt, retryAfterSeconds: 0 };

  const wait = await db.get<{ until: number | null }>(sql`
    WITH ${rules}
    SELECT max(l.window_start + ${WAIT}) AS until FROM rules r JOIN rate_limits l ON l.key = r.key
    WHERE l.window_start > ${now - LOGIN_FORGET_MS}`);
  return { allowed: false, knownAddress: exempt, retryAfterSeconds: Math.max(1, Math.ceil(((wait?.until ?? now) - now) / 1000)) };
}

/**
 * After a correct password: the pair starts over, the address and account take back this one
 * attempt if they counted it (a success does not spend anyone's budget, nor wipe the failures of
 * others), and the address becomes known to the account.
 */
export async function recordLoginSuccess(db: Db, email: string, ip: string, gate: LoginGate, now = Date.now()): Promise<void> {
  const keys = loginKeys(email, ip);
  const counted = gate.knownAddress ? [] : [keys.address, keys.account];
  await batchSql(db, [
    sql`DELETE FROM rate_limits WHERE key = ${keys.pair}`,
    ...(counted.length
      ? [
          sql`UPDATE rate_limits SET count = max(count - 1, 0) WHERE key IN (${sql.join(counted, sql`, `)})`,
          sql`DELETE FROM rate_limits WHERE key IN (${sql.join(counted, sql`, `)}) AND count = 0`,
        ]
      : []),
    sql`INSERT INTO rate_limits (key, count, window_start) VALUES (${keys.known}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET window_start = ${now}`,
  ]);
}

/** An admin's unlock: every wait on this account (all its pairs and its account ceiling) is lifted. */
export async function unlockAccount(db: Db, email: string): Promise<number> {
  const { pairPrefix, accountKey } = accountLockKeys(email);
  // A prefix test with instr, not LIKE: emails can be longer than D1's 50-byte LIKE pattern limit.
  const res = await db.run(sql`DELETE FROM rate_limits WHERE key = ${accountKey} OR instr(key, ${pairPrefix}) = 1`);
  return res.meta.changes;
}

/** Housekeeping: forgets counters past LOGIN_FORGET_MS and known addresses past KNOWN_ADDRESS_MS. */
export async function deleteStaleLoginKeys(db: Db, now = Date.now()): Promise<void> {
  await db.run(sql`DELETE FROM rate_limits WHERE key LIKE 'login:%' AND key NOT LIKE 'login:known:%' AND window_start <= ${now - LOGIN_FORGET_MS}`);
  await db.run(sql`DELETE FROM rate_limits WHERE key LIKE 'login:known:%' AND window_start <= ${now - KNOWN_ADDRESS_MS}`);
}
