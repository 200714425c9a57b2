// The pacing rules, free of I/O (the Pacer Durable Object holds one instance and persists its state).
//
// Instead of handing out loose tokens, the schedule hands out *send slots*: exact start times spaced
// `interval` apart for the whole phone number. A consumer waits for each of its slots and sends then,
// so requests reach WhatsApp evenly spread rather than in bursts. A send starts no earlier than its
// slot and at most the grant's `toleranceMs` after it (a consumer drops a slot it is later for: that
// recipient simply gets another one). Slots are spaced so that any window of (1000 + margin) ms holds
// at most `rate` of them, where margin = tolerance + NETWORK_JITTER_MS; so no one-second window at
// WhatsApp can exceed the rate. Slots are only given out HORIZON_MS ahead, so a consumer that dies
// wastes at most that much sending time.
//
// The tolerance adapts to how punctual the consumers are: timers in a busy Workers isolate can fire
// tens of milliseconds late. Consumers report how many slots they used and how many they missed;
// when more than LATE_SHARE_HIGH are missed the tolerance grows (slightly wider spacing, no wasted
// slots), when almost none are it shrinks again, step by step and each time after a pause as long as
// the step, so slots given out with the larger tolerance can never crowd a window.
//
// Priority: while an alert holds a lease, newsletter consumers get no slots and wait (or yield).
// Rate limits: single 130429 refusals happen at random and are just retried; when more than
// SUSTAINED_SHARE of recent requests were refused, the rate halves and a pause follows, then it
// recovers step by step. 80007/4 (account- or app-wide limits) halve it at once.

/** Network jitter between a consumer starting a request and WhatsApp receiving it. */
export const NETWORK_JITTER_MS = 5;
export const MIN_TOLERANCE_MS = 20;
export const MAX_TOLERANCE_MS = 100;
export const TOLERANCE_STEP_UP_MS = 20;
export const TOLERANCE_STEP_DOWN_MS = 5;
export const LATE_SHARE_HIGH = 0.05;
export const LATE_SHARE_LOW = 0.01;
/** Reports of this many slots at least before the tolerance changes. */
export const MIN_REPORTED = 20;
export const ADAPT_WINDOW_MS = 2_000;
export const HORIZON_MS = 400;
/** Time a consumer needs between getting slots and the first send (claiming the recipients in D1). */
export const LEAD_MS = 50;
/** Fewer slots than this (unless fewer are wanted) are not worth a claim round trip: wait instead. */
export const MIN_GRANT = 5;
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
  /** Since this consumer's last request: slots it sent at, and slots it missed (too late). */
  used?: number;
  late?: number;
}

export interface Grant {
  /** Epoch ms at which each granted send may start (ascending). Empty when nothing was granted. */
  slots: number[];
  /** When slots is empty: how long to wait before asking again. */
  retryAfterMs: number;
  /** Why nothing (or less) was granted. */
  reason: "ok" | "rate" | "priority";
  /** How late (ms) a send may start after its slot; later, the slot must not be used. */
  toleranceMs: number;
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
  /** Current send tolerance (ms) and when it last changed. */
  tolerance: number;
  toleranceAt: number;
  /** Recent punctuality reports: [at, used, late]. */
  reports: [number, number, number][];
}

export const initialPacerState = (): PacerState => ({
  next: 0,
  alerts: {},
  factor: 1,
  factorAt: 0,
  granted: [],
  limited: [],
  tolerance: MIN_TOLERANCE_MS,
  toleranceAt: 0,
  reports: [],
});

export class PaceSchedule {
  constructor(public state: PacerState = initialPacerState()) {
    // State saved by an older version lacks the newer fields.
    this.state = { ...initialPacerState(), ...state };
  }

  /** The spacing margin: how late a send may start plus network jitter. */
  get marginMs(): number {
    return this.state.tolerance + NETWORK_JITTER_MS;
  }

  /** Milliseconds between two slots at this configured rate, after any slowdown. */
  interval(ratePerSecond: number, now: number): number {
    return (1000 + this.marginMs) / (Math.max(1, ratePerSecond) * this.factorAt(now));
  }

  /** Takes a consumer's punctuality report into account; adjusts the tolerance (see above). */
  private adapt(now: number, used: number, late: number): void {
    const s = this.state;
    if (used > 0 || late > 0) s.reports.push([now, used, late]);
    s.reports = s.reports.filter(([at]) => at > now - ADAPT_WINDOW_MS);
    const total = s.reports.reduce((n, [, u, l]) => n + u + l, 0);
    if (total < MIN_REPORTED || now - s.toleranceAt < ADAPT_WINDOW_MS) return;
    const share = s.reports.reduce((n, [, , l]) => n + l, 0) / total;
    if (share > LATE_SHARE_HIGH && s.tolerance < MAX_TOLERANCE_MS) {
      // Wider spacing from here on; slots given out before are spaced tighter but stricter: safe.
      s.tolerance = Math.min(MAX_TOLERANCE_MS, s.tolerance + TOLERANCE_STEP_UP_MS);
    } else if (share < LATE_SHARE_LOW && s.tolerance > MIN_TOLERANCE_MS) {
      const lower = Math.max(MIN_TOLERANCE_MS, s.tolerance - TOLERANCE_STEP_DOWN_MS);
      // Slots already out may still start up to the old tolerance late: keep that much distance.
      s.next = Math.max(s.next, now) + (s.tolerance - lower);
      s.tolerance = lower;
    } else return;
    s.toleranceAt = now;
    s.reports = [];
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
    this.adapt(now, req.used ?? 0, req.late ?? 0);
    const toleranceMs = this.state.tolerance;
    if (req.priority === "alert") this.state.alerts[req.broadcastId] = now + ALERT_LEASE_MS;
    else if (req.priority === "newsletter" && this.activeAlerts(now).length > 0) return { slots: [], retryAfterMs: 500, reason: "priority", toleranceMs };
    if (want === 0) return { slots: [], retryAfterMs: 0, reason: "ok", toleranceMs };

    const interval = this.interval(req.ratePerSecond, now);
    const first = Math.max(this.state.next, now + LEAD_MS);
    const horizon = now + LEAD_MS + HORIZON_MS;
    const fit = first > horizon ? 0 : Math.floor((horizon - first) / interval) + 1;
    // At low rates fewer than MIN_GRANT slots ever fit in the horizon: then whatever can.
    const minUseful = Math.max(1, Math.min(want, MIN_GRANT, Math.floor(HORIZON_MS / interval) + 1));
    if (fit < minUseful) return { slots: [], retryAfterMs: Math.max(1, Math.ceil(first + (minUseful - 1) * interval - horizon)), reason: "rate", toleranceMs };
    const n = Math.min(want, fit);
    const slots = Array.from({ length: n }, (_, i) => Math.ceil(first + i * interval));
    this.state.next = first + n * interval;
    this.remember(this.state.granted, now, n);
    return { slots, retryAfterMs: 0, reason: n < want ? "rate" : "ok", toleranceMs };
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
