// Cloudflare's platform limits, enforced in every Workers-runtime test (a vitest setup file).
// The local runtime refuses most of these too, but code may catch the error (best-effort enqueues,
// waitUntil work) and the test would still pass. Here every D1 statement and queue send of the
// isolate (tests, the Worker, its Durable Objects) is checked, and any test during which one went
// over a limit fails, whether or not the error was swallowed.
import { env } from "cloudflare:workers";
import { afterEach } from "vitest";

/** D1: bound parameters per statement. */
export const D1_MAX_BOUND_PARAMETERS = 100;
/** D1: bytes of SQL per statement. */
export const D1_MAX_STATEMENT_BYTES = 100_000;
/** Queues: messages per sendBatch. */
export const QUEUE_MAX_BATCH_MESSAGES = 100;
/** Queues: bytes per message, and per sendBatch in total. */
export const QUEUE_MAX_MESSAGE_BYTES = 128_000;
export const QUEUE_MAX_BATCH_BYTES = 256_000;

// One list per isolate: the patches outlive a re-import of this module by the next test file.
const STORE = Symbol.for("townwire.platform-limits.violations");
const globals = globalThis as unknown as Record<symbol, string[] | undefined>;
const violations: string[] = (globals[STORE] ??= []);
const bytes = (s: string) => new TextEncoder().encode(s).byteLength;
const messageBytes = (body: unknown) => bytes(JSON.stringify(body) ?? "");

/** The violations seen since the last call, and forgets them (for tests of the guard itself). */
export function takeLimitViolations(): string[] {
  return violations.splice(0);
}

function record(message: string): void {
  violations.push(message);
}

type Proto<T> = Record<symbol, unknown> & T;
const protoOf = <T>(o: unknown) => Object.getPrototypeOf(o) as Proto<T>;

const PATCHED = Symbol.for("townwire.platform-limits");

function install(): void {
  const dbProto = protoOf<D1Database>(env.DB);
  if (dbProto[PATCHED]) return;
  dbProto[PATCHED] = true;

  const sqlOf = new WeakMap<object, string>();
  const prepare = dbProto.prepare;
  dbProto.prepare = function (this: D1Database, query: string) {
    if (bytes(query) > D1_MAX_STATEMENT_BYTES) record(`D1 statement of ${bytes(query)} bytes (limit ${D1_MAX_STATEMENT_BYTES}): ${query.slice(0, 120)}`);
    const stmt = prepare.call(this, query);
    sqlOf.set(stmt, query);
    return stmt;
  };

  // Statements in a batch are bound before they are batched, so checking bind covers batches too.
  const stmtProto = protoOf<D1PreparedStatement>(dbProto.prepare.call(env.DB, "SELECT 1"));
  const bind = stmtProto.bind;
  stmtProto.bind = function (this: D1PreparedStatement, ...values: unknown[]) {
    if (values.length > D1_MAX_BOUND_PARAMETERS) {
      record(`D1 statement binds ${values.length} parameters (limit ${D1_MAX_BOUND_PARAMETERS}): ${(sqlOf.get(this) ?? "").slice(0, 120)}`);
    }
    const bound = bind.apply(this, values);
    sqlOf.set(bound, sqlOf.get(this) ?? "");
    return bound;
  };

  // The dev Worker (dev/test) has no queues of its own: only D1 is checked there.
  if (!(env as Partial<typeof env>).JOBS_QUEUE) return;
  const queueProto = protoOf<Queue<unknown>>(env.JOBS_QUEUE);
  const sendBatch = queueProto.sendBatch;
  queueProto.sendBatch = function (this: Queue<unknown>, messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) {
    const list = [...messages];
    if (list.length > QUEUE_MAX_BATCH_MESSAGES) record(`Queue sendBatch of ${list.length} messages (limit ${QUEUE_MAX_BATCH_MESSAGES})`);
    const sizes = list.map((m) => messageBytes(m.body));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > QUEUE_MAX_BATCH_BYTES) record(`Queue sendBatch of ${total} bytes (limit ${QUEUE_MAX_BATCH_BYTES})`);
    const largest = Math.max(0, ...sizes);
    if (largest > QUEUE_MAX_MESSAGE_BYTES) record(`Queue message of ${largest} bytes (limit ${QUEUE_MAX_MESSAGE_BYTES})`);
    return sendBatch.call(this, list, options);
  };
  const send = queueProto.send;
  queueProto.send = function (this: Queue<unknown>, body: unknown, options?: QueueSendOptions) {
    if (messageBytes(body) > QUEUE_MAX_MESSAGE_BYTES) record(`Queue message of ${messageBytes(body)} bytes (limit ${QUEUE_MAX_MESSAGE_BYTES})`);
    return send.call(this, body, options);
  };
}

install();

afterEach(() => {
  const seen = takeLimitViolations();
  if (seen.length) throw new Error(`Platform limits exceeded during this test:\n- ${seen.join("\n- ")}`);
});
