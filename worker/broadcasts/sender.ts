// The Graph calls of the fan-out. A Sender is a Durable Object with its own I/O context, so its own 6
// connections (connection-limit.ts); the consumers spread their groups over several of them, so the
// number of requests in flight grows with the rate instead of being capped by one object. A sender
// has LANES lanes, one per connection: it asks the Pacer for as many permits as it has free lanes,
// starts each request at its permit's time, and gives a permit up (asks again) if the request could
// not start within START_SLACK_MS of it. So a lane is never promised to two requests, and a permit is
// never used late: the rate bound of pace-window.ts holds whatever the answer times are.
import { DurableObject } from "cloudflare:workers";
import { getConfig, type Env } from "../env";
import { clientFromConfig, graphErrorData, type WhatsAppClient } from "../whatsapp";
import { LateStart, MAX_WAITING_FOR_HEADERS } from "../whatsapp/connection-limit";
import { START_SLACK_MS } from "./pace-window";
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

interface Job {
  req: PacedRequest;
  item: PacedItem;
  since: number;
  resolve(r: PacedResult): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class Sender extends DurableObject<Env> {
  private line: Job[] = [];
  /** Lanes reserving, waiting for their permit's time, or waiting for an answer. */
  private busy = 0;
  private cachedClient: WhatsAppClient | null = null;
  /** Permits given up because the request could not start in time (for the benchmark's profile). */
  private late = 0;

  private get whatsapp(): WhatsAppClient {
    // One client per instance: its connection limit is this object's I/O context.
    return (this.cachedClient ??= clientFromConfig(getConfig(this.env)));
  }

  /** Sends each item (the same message to each recipient unless it has its own) and answers with every outcome. */
  async send(req: PacedRequest): Promise<PacedResult[]> {
    const since = req.claimedAt ?? Date.now();
    const results = Promise.all(req.items.map((item) => new Promise<PacedResult>((resolve) => this.line.push({ req, item, since, resolve }))));
    this.fill();
    return results;
  }

  async stats(): Promise<{ late: number; busy: number; waiting: number }> {
    return { late: this.late, busy: this.busy, waiting: this.line.length };
  }

  /** Reserves permits for the jobs at the head of the line (one broadcast at a time) while lanes are free. */
  private fill(): void {
    while (this.busy < LANES && this.line.length > 0) {
      const head = this.line[0]!;
      const jobs: Job[] = [];
      for (let i = 0; i < this.line.length && jobs.length < LANES - this.busy; ) {
        const j = this.line[i]!;
        if (j.req.broadcastId === head.req.broadcastId && j.req.priority === head.req.priority) {
          jobs.push(j);
          this.line.splice(i, 1);
        } else i++;
      }
      this.busy += jobs.length;
      void this.reserve(jobs);
    }
  }

  private async reserve(jobs: Job[]): Promise<void> {
    const { broadcastId, priority } = jobs[0]!.req;
    let r: Reservation;
    try {
      r = await pacerOf(this.env).reserve({ broadcastId, priority, n: jobs.length, since: Math.min(...jobs.map((j) => j.since)) });
    } catch (err) {
      // The pacer is out of reach: nothing was sent; the consumer retries these later.
      for (const j of jobs) j.resolve({ key: j.item.key, kind: "error", error: graphErrorData(err), at: Date.now() });
      this.busy -= jobs.length;
      return this.fill();
    }
    if (r.kind !== "permits") {
      for (const j of jobs) j.resolve({ key: j.item.key, kind: r.kind });
      this.busy -= jobs.length;
      return this.fill();
    }
    // Fewer permits than asked: the rest go back to the head of the line.
    const extra = jobs.splice(r.times.length);
    if (extra.length) {
      this.line.unshift(...extra);
      this.busy -= extra.length;
    }
    jobs.forEach((j, i) => void this.run(j, r.times[i]!));
    this.fill();
  }

  private async run(job: Job, at: number): Promise<void> {
    // Never before the permit's time (a timer may fire a hair early on a coarse clock).
    while (Date.now() < at) await sleep(Math.ceil(at - Date.now()));
    const { req, item } = job;
    let result: PacedResult | null = null;
    try {
      const { wamid } = await this.whatsapp.sendMessage(item.to, item.message ?? req.message, {
        ...(item.callbackData ? { callbackData: item.callbackData } : {}),
        startBy: at + START_SLACK_MS,
      });
      result = { key: item.key, kind: "sent", wamid, at: Date.now() };
    } catch (err) {
      if (!(err instanceof LateStart)) {
        const error = graphErrorData(err);
        // 131056 is about one recipient, not the number's throughput.
        if (error.kind === "rate_limited" && error.code !== 131056) void pacerOf(this.env).rateLimited(error.code).catch(() => undefined);
        result = { key: item.key, kind: "error", error, at: Date.now() };
      } else this.late++;
    }
    this.busy--;
    // Late: it never left; to the head of the line for a fresh permit.
    if (result) job.resolve(result);
    else this.line.unshift(job);
    this.fill();
  }
}

let nextShard = 0;

/** Sends through the next sender of this priority (alerts never wait in a line behind newsletters). */
export function sendPaced(env: Env, req: PacedRequest): Promise<PacedResult[]> {
  const n = sendersFor(getConfig(env).BROADCAST_RATE_PER_SECOND);
  const shard = nextShard++ % n;
  return env.SENDER.getByName(`${req.priority}:${shard}`).send(req);
}
