// The Graph calls of the fan-out. A Sender is a Durable Object with its own I/O context, so its own 6
// connections (connection-limit.ts); the consumers spread their groups over several of them, so the
// number of requests in flight grows with the rate instead of being capped by one object. A sender
// has LANES lanes, one per connection: a request takes free lanes, asks the Pacer for as many permits,
// starts each send at its permit's time, and gives a permit up (asks again, reporting how late it
// was) if the send could not start within the permit's slack. So a lane is never promised to two sends, and a permit is never
// used late: the rate bound of pace-window.ts holds whatever the answer times are.
import { DurableObject } from "cloudflare:workers";
import { getConfig, type Env } from "../env";
import { clientFromConfig, graphErrorData, RetryableError, type GraphErrorData, type WhatsAppClient } from "../whatsapp";
import { LateStart, MAX_WAITING_FOR_HEADERS } from "../whatsapp/connection-limit";
import { pacerOf, type PacedItem, type PacedRequest, type PacedResult, type Reservation } from "./pacer";

/** One lane per connection: every started request has a connection at once. */
const LANES = MAX_WAITING_FOR_HEADERS;
/**
 * Messages per second one sender is planned for: 6 lanes at Graph's usual ~200 ms per answer (plus
 * up to HORIZON_MS of waiting for the permit's time) carry about 20/s; a third is kept spare for slow answers.
 */
export const PER_SENDER_RATE = 15;

/** How many senders share the fan-out at this rate. */
export const sendersFor = (ratePerSecond: number) => Math.max(2, Math.ceil(ratePerSecond / PER_SENDER_RATE));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The lanes of one sender, shared by all its requests in arrival order. Only plain counters and
 * resolvers cross between requests: every fetch, RPC and timer is made by the request whose items it
 * is for (an I/O object made while serving one request is cancelled when that request ends).
 */
class Lanes {
  private free = LANES;
  private readonly waiting: (() => void)[] = [];

  /** Takes at least one lane (waiting for it) and at most `max`. */
  async take(max: number): Promise<number> {
    if (this.free > 0 && this.waiting.length === 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // handed over by release()
    const extra = Math.min(this.free, max - 1);
    this.free -= extra;
    return 1 + extra;
  }

  release(n: number): void {
    for (let i = 0; i < n; i++) {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }

  get busy(): number {
    return LANES - this.free;
  }
}

export class Sender extends DurableObject<Env> {
  private readonly lanes = new Lanes();
  private cachedClient: WhatsAppClient | null = null;
  /** Permits given up because the request could not start in time (for the benchmark's profile). */
  private late = 0;
  /** How late (ms past the deadline) the permits given up since the last report were: told to the Pacer. */
  private lateReport: number[] = [];
  /** Broadcast id → when it was paused or cancelled: sends handed over before that do not start. */
  private withdrawn = new Map<string, number>();

  /** A pause or cancel: what this sender holds of the broadcast (also with a permit already) is not sent. */
  async withdraw(broadcastId: string): Promise<void> {
    this.withdrawn.set(broadcastId, Date.now());
  }

  private get whatsapp(): WhatsAppClient {
    // One client per instance: its connection limit is this object's I/O context.
    return (this.cachedClient ??= clientFromConfig(getConfig(this.env)));
  }

  async stats(): Promise<{ late: number; busy: number }> {
    return { late: this.late, busy: this.lanes.busy };
  }

  /** Sends each item (the request's message unless it has its own) at a permit's time; answers with every outcome. */
  async send(req: PacedRequest): Promise<PacedResult[]> {
    const since = req.claimedAt ?? Date.now();
    const results = new Map<string, PacedResult>();
    const todo = [...req.items];
    const running = new Set<Promise<void>>();
    while (todo.length > 0 || running.size > 0) {
      if (todo.length === 0) {
        // A request that could not start in time comes back into `todo`.
        await Promise.race(running);
        continue;
      }
      const k = await this.lanes.take(todo.length);
      const items = todo.splice(0, k);
      const r = await this.reserve(req, items.length, since);
      if (r.kind !== "permits") {
        this.lanes.release(items.length);
        // Withdrawn (pause, cancel), deferred (behind an alert) or no pacer: the whole rest of the request.
        for (const item of [...items, ...todo.splice(0)]) results.set(item.key, r.kind === "unreachable" ? { key: item.key, kind: "error", error: r.error, at: Date.now() } : { key: item.key, kind: r.kind });
        continue;
      }
      // Fewer permits than asked: the rest wait for the next round.
      const extra = items.splice(r.times.length);
      todo.unshift(...extra);
      this.lanes.release(extra.length);
      items.forEach((item, i) => {
        const p = this.run(req, item, r.times[i]!, r.slackMs, since).then((res) => {
          this.lanes.release(1);
          if (res) results.set(item.key, res);
          else todo.unshift(item);
        });
        running.add(p);
        void p.finally(() => running.delete(p));
      });
    }
    return req.items.map((item) => results.get(item.key)!);
  }

  private async reserve(req: PacedRequest, n: number, since: number): Promise<Reservation | { kind: "unreachable"; error: GraphErrorData }> {
    try {
      const late = this.lateReport.splice(0);
      return await pacerOf(this.env).reserve({ broadcastId: req.broadcastId, priority: req.priority, n, since, ...(late.length ? { late } : {}) });
    } catch (err) {
      // No permit, so nothing was sent: retryable, and not ambiguous.
      const error = new RetryableError({ code: 0, title: "Pacer unreachable", details: String(err), ambiguous: false });
      return { kind: "unreachable", error: graphErrorData(error) };
    }
  }

  /** Sends one item at `at`; null if it could not start by `at + slackMs` (never left). */
  private async run(req: PacedRequest, item: PacedItem, at: number, slackMs: number, since: number): Promise<PacedResult | null> {
    // Never before the permit's time.
    while (Date.now() < at) await sleep(Math.ceil(at - Date.now()));
    const withdrawnAt = this.withdrawn.get(req.broadcastId);
    if (withdrawnAt !== undefined && since <= withdrawnAt) return { key: item.key, kind: "withdrawn" };
    try {
      const { wamid } = await this.whatsapp.sendMessage(item.to, item.message ?? req.message, {
        ...(item.callbackData ? { callbackData: item.callbackData } : {}),
        startBy: at + slackMs,
      });
      return { key: item.key, kind: "sent", wamid, at: Date.now() };
    } catch (err) {
      if (err instanceof LateStart) {
        // Logged now and then: how often a busy machine fires timers too late (the benchmark reads it).
        if (this.late++ % 25 === 0) console.warn(`sender: ${this.late} permits given up (start ${err.lateMs} ms past the deadline, slack ${slackMs} ms)`);
        this.lateReport.push(err.lateMs);
        return null;
      }
      const error = graphErrorData(err);
      // 131056 is about one recipient, not the number's throughput.
      if (error.kind === "rate_limited" && error.code !== 131056) await pacerOf(this.env).rateLimited(error.code).catch(() => undefined);
      return { key: item.key, kind: "error", error, at: Date.now() };
    }
  }
}

/** Every sender the fan-out uses at this rate (for a pause or cancel to reach them all). */
export const senderNames = (ratePerSecond: number): string[] =>
  (["alert", "newsletter", "direct"] as const).flatMap((p) => Array.from({ length: sendersFor(ratePerSecond) }, (_, k) => `${p}:${k}`));

let nextShard = 0;

/** Sends through the next sender of this priority (alerts never wait in a line behind newsletters). */
export function sendPaced(env: Env, req: PacedRequest): Promise<PacedResult[]> {
  const n = sendersFor(getConfig(env).BROADCAST_RATE_PER_SECOND);
  const shard = nextShard++ % n;
  return env.SENDER.getByName(`${req.priority}:${shard}`).send(req);
}
