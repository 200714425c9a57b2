// The pacing rules, free of I/O (the Pacer Durable Object holds one instance and persists its state).
//
// Instead of handing out loose tokens, the schedule hands out *send slots*: exact start times spaced
// `interval` apart for the whole phone number. A consumer waits for each of its slots and sends then,
// so requests reach WhatsApp evenly spread rather than in bursts. Slots are spaced so that a window
// of (1000 + JITTER_MARGIN_MS) ms holds at most `rate` of them: a request that starts up to
// JITTER_MARGIN_MS late still cannot push any one-second window over the rate (consumers drop slots
// they are later than that for). Slots are only given out HORIZON_MS ahead, so a consumer that dies
// wastes at most that much sending time.
//
// Priority: while an alert holds a lease, newsletter consumers get no slots and wait (or yield).
// Rate limits: single 130429 refusals happen at random and are just retried; when more than
// SUSTAINED_SHARE of recent requests were refused, the rate halves and a pause follows, then it
// recovers step by step. 80007/4 (account- or app-wide limits) halve it at once.

export const JITTER_MARGIN_MS = 10;
export const HORIZON_MS = 400;
/** Time a consumer needs between getting slots and the first send (claiming the recipients in D1). */
export const LEAD_MS = 15;
export const ALERT_LEASE_MS = 15_000;
export const LIMIT_WINDOW_MS = 2_000;
export const SUSTAINED_SHARE = 0.15;
export const MIN_LIMITED_FOR_SLOWDOWN = 5;
export const MIN_FACTOR = 0.05;
/** Recovery after a slowdown: the rate factor grows by this much per second. */
export const RECOVERY_PER_SECOND = 0.1;
export const BACKOFF_PAUSE_MS = 1_000;
export const HARD_LIMIT_PAUSE_MS = 5_000;

/** "direct": single sends such as a staff test-send; paced, but neither blocked by nor blocking alerts. */
export type Priority = "alert" | "newsletter" | "direct";

export interface TakeRequest {
  want: number;
  ratePerSecond: number;
  priority: Priority;
  broadcastId: string;
}

export interface Grant {
  /** Epoch ms at which each granted send may start (ascending). Empty when nothing was granted. */
  slots: number[];
  /** When slots is empty: how long to wait before asking again. */
  retryAfterMs: number;
  /** Why nothing (or less) was granted. */
  reason: "ok" | "rate" | "priority";
}

export interface PacerState {
  /** Start time of the next free slot. */
  next: number;
  /** Alert broadcast id → lease expiry (epoch ms). */
  alerts: Record<string, number>;
  /** Current share of the configured rate (1 = full speed). */
  factor: number;
  /** When factor was last lowered (recovery is counted from here). */
  factorAt: number;
  /** Recent grants and rate-limit refusals (epoch ms), for the sustained-limit check. */
  granted: number[];
  limited: number[];
}

export const initialPacerState = (): PacerState => ({ next: 0, alerts: {}, factor: 1, factorAt: 0, granted: [], limited: [] });

export class PaceSchedule {
  constructor(public state: PacerState = initialPacerState()) {}

  /** Milliseconds between two slots at this configured rate, after any slowdown. */
  interval(ratePerSecond: number, now: number): number {
    return (1000 + JITTER_MARGIN_MS) / (Math.max(1, ratePerSecond) * this.factorAt(now));
  }

  factorAt(now: number): number {
    const s = this.state;
    if (s.factor >= 1) return 1;
    return Math.min(1, s.factor + (RECOVERY_PER_SECOND * Math.max(0, now - s.factorAt)) / 1000);
  }

  activeAlerts(now: number): string[] {
    for (const [id, until] of Object.entries(this.state.alerts)) if (until <= now) delete this.state.alerts[id];
    return Object.keys(this.state.alerts);
  }

  take(now: number, req: TakeRequest): Grant {
    const want = Math.max(0, Math.floor(req.want));
    if (req.priority === "alert") this.state.alerts[req.broadcastId] = now + ALERT_LEASE_MS;
    else if (req.priority === "newsletter" && this.activeAlerts(now).length > 0) return { slots: [], retryAfterMs: 500, reason: "priority" };
    if (want === 0) return { slots: [], retryAfterMs: 0, reason: "ok" };

    const interval = this.interval(req.ratePerSecond, now);
    const first = Math.max(this.state.next, now + LEAD_MS);
    const horizon = now + LEAD_MS + HORIZON_MS;
    if (first > horizon) return { slots: [], retryAfterMs: Math.ceil(first - horizon), reason: "rate" };
    const fit = Math.floor((horizon - first) / interval) + 1;
    const n = Math.min(want, fit);
    const slots = Array.from({ length: n }, (_, i) => Math.ceil(first + i * interval));
    this.state.next = first + n * interval;
    this.remember(this.state.granted, now, n);
    return { slots, retryAfterMs: 0, reason: n < want ? "rate" : "ok" };
  }

  /** An alert is starting (or resuming): newsletters wait until it is done or its lease runs out. */
  prioritize(now: number, broadcastId: string, leaseMs = ALERT_LEASE_MS): void {
    this.state.alerts[broadcastId] = Math.max(this.state.alerts[broadcastId] ?? 0, now + leaseMs);
  }

  release(broadcastId: string): void {
    delete this.state.alerts[broadcastId];
  }

  /** WhatsApp refused a send for rate. Returns true when the pacer slowed down because of it. */
  rateLimited(now: number, code: number): boolean {
    const s = this.state;
    this.remember(s.limited, now, 1);
    const hard = code === 80007 || code === 4;
    const recentLimited = s.limited.filter((t) => t > now - LIMIT_WINDOW_MS).length;
    const recentGranted = s.granted.filter((t) => t > now - LIMIT_WINDOW_MS).length;
    const sustained = recentLimited >= MIN_LIMITED_FOR_SLOWDOWN && recentLimited > SUSTAINED_SHARE * Math.max(1, recentGranted);
    // Do not halve again for every refusal of the same burst: once per window.
    const recentlySlowed = s.factorAt > now - LIMIT_WINDOW_MS && s.factor < 1;
    if (!(hard || sustained) || recentlySlowed) return false;
    s.factor = Math.max(MIN_FACTOR, this.factorAt(now) / 2);
    s.factorAt = now;
    s.next = Math.max(s.next, now + (hard ? HARD_LIMIT_PAUSE_MS : BACKOFF_PAUSE_MS));
    s.limited = [];
    return true;
  }

  private remember(list: number[], now: number, n: number): void {
    for (let i = 0; i < n; i++) list.push(now);
    const cutoff = now - LIMIT_WINDOW_MS;
    let drop = 0;
    while (drop < list.length && list[drop]! <= cutoff) drop++;
    if (drop) list.splice(0, drop);
  }
}
