// Counts D1 round trips (each `first`/`all`/`run`/`raw` of a statement, each `batch`) made by the
// Worker, its Durable Objects and the test while `countD1RoundTrips` runs. D1 runs one query at a
// time per database, in production too, so round trips per citizen action are the budget that
// bounds how many sign-ups or replies a second a town can take (docs/broadcast-fanout.md).
import { env } from "cloudflare:workers";

type Fn = (...args: unknown[]) => unknown;
const STATE = Symbol.for("townwire.d1-round-trips");
const globals = globalThis as unknown as Record<symbol, { log: string[] | null } | undefined>;

function install(): { log: string[] | null } {
  const existing = globals[STATE];
  if (existing) return existing;
  const state: { log: string[] | null } = { log: null };
  globals[STATE] = state;
  const dbProto = Object.getPrototypeOf(env.DB) as Record<string, Fn>;
  const stmtProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, Fn>;
  const sqlOf = new WeakMap<object, string>();
  const prepare = dbProto.prepare!;
  dbProto.prepare = function (this: unknown, query: unknown) {
    const stmt = prepare.call(this, query) as object;
    sqlOf.set(stmt, String(query).replace(/\s+/g, " ").trim().slice(0, 80));
    return stmt;
  };
  const bind = stmtProto.bind!;
  stmtProto.bind = function (this: object, ...values: unknown[]) {
    const bound = bind.apply(this, values) as object;
    sqlOf.set(bound, sqlOf.get(this) ?? "?");
    return bound;
  };
  for (const method of ["first", "all", "run", "raw"]) {
    const original = stmtProto[method]!;
    stmtProto[method] = function (this: object, ...args: unknown[]) {
      state.log?.push(sqlOf.get(this) ?? "?");
      return original.apply(this, args);
    };
  }
  const batch = dbProto.batch!;
  dbProto.batch = function (this: unknown, list: unknown) {
    state.log?.push(`batch of ${(list as unknown[]).length}`);
    return batch.call(this, list);
  };
  return state;
}

/** Runs `fn` and returns the D1 round trips it made (each named by its statement, or "batch of n"). */
export async function countD1RoundTrips(fn: () => Promise<unknown>): Promise<string[]> {
  const state = install();
  const log: string[] = [];
  state.log = log;
  try {
    await fn();
  } finally {
    state.log = null;
  }
  return log;
}
