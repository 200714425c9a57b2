// The pacing rule, free of I/O: a token bucket kept as a reservation clock. The Pacer Durable Object
// holds one instance, hands out its permits and persists its state with every grant.
//
// A permit is a start time and a slack S. Permits are handed out in order, each at least `interval`
// after the one before; a sender starts its request at the permit's time, and only if it can start
// it within S of that time (else the permit is given up and it asks again). With
//   interval = (1000 + S + NETWORK_JITTER_MS) / rate
// no one-second window holds more than `rate` starts: a start in [a, a + 1000) had its permit in
// [a − S, a + 1000), and permits `interval` apart fit at most ceil((1000 + S) / interval) ≤ rate
// times into that. The same bound holds at WhatsApp for requests whose one-way times differ by at
// most NETWORK_JITTER_MS. Nothing depends on answer times: slow answers only need more senders.
//
// S adapts to how late senders really start (a busy machine fires timers late): senders report the
// permits they had to give up, and S grows at once to cover them (up to MAX_SLACK_MS); it shrinks
// again by a fifth per quiet second, and every shrink first moves the clock on by the amount it
// shrinks, so permits handed out with the larger S still fit (a larger S only widens the spacing,
// which is always safe). S never goes below START_SLACK_MS.
//
// Permits go out at most HORIZON_MS ahead of their time, so whoever asks next (an alert) waits at most
// that long behind what was already handed out. An idle clock starts again at "now" (no burst to
// catch up). Priority: while an alert holds a lease, newsletter reservations wait (the Pacer hands
// them back after a while). Rate limits: single 130429 refusals happen at random and are just
// retried; when more than SUSTAINED_SHARE of a second's permits were refused, the rate halves and a
// pause follows, then it recovers step by step. 80007/4 (account- or app-wide limits) halve it at once.

/** A permit is used only if its request starts at most its slack after the permit's time: at least this. */
export const START_SLACK_MS = 25;
/** The slack grows to cover late starts up to this (then late starts just cost throughput). */
export const MAX_SLACK_MS = 400;
/**
 * Assumed spread of the time from a request's start at a sender to its arrival at WhatsApp (only
 * for the bound at WhatsApp). 15 ms was too little: on this machine arrivals at the fake Graph API
 * came up to 52 ms closer together than their permits allowed (bursts after a busy thread), which
 * made 81–82 requests in one second at 80/s (docs/broadcast-fanout.md). 50 ms covers that.
 */
export const NETWORK_JITTER_MS = 50;
/** Permits are handed out at most this far ahead of their time. */
export const HORIZON_MS = 100;
export const ALERT_LEASE_MS = 15_000;
export const LIMIT_WINDOW_MS = 1_000;
export const SUSTAINED_SHARE = 0.15;
export const MIN_LIMITED_FOR_SLOWDOWN = 5;
export const MIN_FACTOR = 0.05;
/** Recovery after a slowdown: the rate factor grows by this much per second. */
export const RECOVERY_PER_SECOND = 0.1;
export const BACKOFF_PAUSE_MS = 1_000;
export const HARD_LIMIT_PAUSE_MS = 5_000;

/** "direct": single sends such as a staff test-send; paced, but neither blocked by nor blocking alerts. */
export type Priority = "alert" | "newsletter" | "direct";

export interface PaceState {
  /** Time of the next permit (epoch ms, fractional): every permit handed out lies before it. */
  next: number;
  /** Rate-limit refusals of the last second or so (epoch ms). */
  limited: number[];
  /** Alert broadcast id → lease expiry (epoch ms). */
  alerts: Record<string, number>;
  /** Current share of the configured rate (1 = full speed), and when it was last lowered. */
  factor: number;
  factorAt: number;
  /** Current slack (ms), and when a sender last reported a late start (or the slack last shrank). */
  slack: number;
  slackAt: number;
}

export const initialPaceState = (): PaceState => ({ next: 0, limited: [], alerts: {}, factor: 1, factorAt: 0, slack: START_SLACK_MS, slackAt: 0 });

export class PaceWindow {
  state: PaceState;

  constructor(state?: Partial<PaceState>) {
    // State saved by an older version may lack fields (or carry ones no longer used).
    const s = { ...initialPaceState(), ...state };
    this.state = {
      next: Number.isFinite(s.next) ? s.next : 0,
      limited: Array.isArray(s.limited) ? s.limited : [],
      alerts: s.alerts ?? {},
      factor: s.factor,
      factorAt: s.factorAt,
      slack: Number.isFinite(s.slack) ? Math.min(MAX_SLACK_MS, Math.max(START_SLACK_MS, s.slack)) : START_SLACK_MS,
      slackAt: Number.isFinite(s.slackAt) ? s.slackAt : 0,
    };
  }

  factorAt(now: number): number {
    const s = this.state;
    if (s.factor >= 1) return 1;
    return Math.min(1, s.factor + (RECOVERY_PER_SECOND * Math.max(0, now - s.factorAt)) / 1000);
  }

  /** Requests allowed per second right now (the configured rate after any slowdown). */
  capacity(ratePerSecond: number, now: number): number {
    return Math.max(1, Math.floor(Math.max(1, ratePerSecond) * this.factorAt(now)));
  }

  /** Distance between two permits. */
  interval(ratePerSecond: number, now: number): number {
    return (1000 + this.state.slack + NETWORK_JITTER_MS) / this.capacity(ratePerSecond, now);
  }

  /** Senders could not start these permits in time (ms late each): widen the slack to cover them. */
  late(now: number, lateMs: number[]): void {
    const s = this.state;
    if (lateMs.length === 0) return;
    s.slackAt = now;
    // 1.25 × the worst: room for a little more than what was seen.
    s.slack = Math.min(MAX_SLACK_MS, Math.max(s.slack, Math.ceil(Math.max(...lateMs) * 1.25) + s.slack));
  }

  /** After a quiet second, the slack shrinks by a fifth; the clock first moves on by as much. */
  private relax(now: number): void {
    const s = this.state;
    while (s.slack > START_SLACK_MS && now - s.slackAt >= 1000) {
      const smaller = Math.max(START_SLACK_MS, Math.floor(s.slack * 0.8));
      s.next = Math.max(s.next, now) + (s.slack - smaller);
      s.slack = smaller;
      s.slackAt += 1000;
    }
  }

  /** When the next permit can be handed out (≤ now: at once). */
  grantableAt(): number {
    return this.state.next - HORIZON_MS;
  }

  /** Up to `n` permits (start times, ascending) within the horizon; none if the clock is that far ahead. */
  grant(now: number, ratePerSecond: number, n: number): number[] {
    const s = this.state;
    this.relax(now);
    const times: number[] = [];
    let t = Math.max(s.next, now);
    const step = this.interval(ratePerSecond, now);
    while (times.length < n && t <= now + HORIZON_MS) {
      times.push(t);
      t += step;
    }
    if (times.length) s.next = t;
    return times;
  }

  activeAlerts(now: number): string[] {
    for (const [id, until] of Object.entries(this.state.alerts)) if (until <= now) delete this.state.alerts[id];
    return Object.keys(this.state.alerts);
  }

  /** An alert is starting (or resuming, or sending): newsletters wait until it is done or its lease runs out. */
  prioritize(now: number, broadcastId: string, leaseMs = ALERT_LEASE_MS): void {
    this.state.alerts[broadcastId] = Math.max(this.state.alerts[broadcastId] ?? 0, now + leaseMs);
  }

  release(broadcastId: string): void {
    delete this.state.alerts[broadcastId];
  }

  /** WhatsApp refused a request for rate. Returns true when the pacer slowed down because of it. */
  rateLimited(now: number, code: number, ratePerSecond: number): boolean {
    const s = this.state;
    s.limited.push(now);
    forget(s.limited, now - LIMIT_WINDOW_MS);
    const hard = code === 80007 || code === 4;
    // Permits of the last second: the clock ran at (about) the capacity.
    const recentStarted = this.capacity(ratePerSecond, now);
    const sustained = s.limited.length >= MIN_LIMITED_FOR_SLOWDOWN && s.limited.length > SUSTAINED_SHARE * recentStarted;
    // Do not halve again for every refusal of the same burst: once per window.
    const recentlySlowed = s.factorAt > now - LIMIT_WINDOW_MS && s.factor < 1;
    if (!(hard || sustained) || recentlySlowed) return false;
    s.factor = Math.max(MIN_FACTOR, this.factorAt(now) / 2);
    s.factorAt = now;
    s.next = Math.max(s.next, now + (hard ? HARD_LIMIT_PAUSE_MS : BACKOFF_PAUSE_MS));
    s.limited = [];
    return true;
  }
}

/** Drops the (ascending) times at or before `cutoff`. */
function forget(list: number[], cutoff: number): void {
  let drop = 0;
  while (drop < list.length && list[drop]! <= cutoff) drop++;
  if (drop) list.splice(0, drop);
}
