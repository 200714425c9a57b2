// The pacing rules, free of I/O (the Pacer Durable Object holds one instance and persists its state).
//
// The pacer itself starts every request to WhatsApp's messages endpoint, so it knows when each one
// left and when its answer came back. The request reached WhatsApp somewhere in between. So each
// request is remembered with the latest moment it can have arrived there: its answer, or
// ASSUMED_MAX_DELAY_MS after it left while no answer has come (or if the answer is slower).
//
// The guarantee: a request starts at time d only if fewer than `rate` earlier requests may have
// arrived after d − 1000. Then no one-second window at WhatsApp can hold more than `rate` of them
// (for any window with rate + 1 arrivals, look at the one of them that left last: when it left, the
// other rate had left before and arrived after its start − 1000). Jitter on the way cannot break it:
// a request held up on the way is answered late, and counts as late.
//
// Within that, requests are spread evenly (one every (1000 + usual answer time) / rate ms) rather
// than in bursts; a timer that fires a little late is made up for (up to CATCH_UP_MS).
//
// Priority: while an alert holds a lease, newsletter requests wait (alerts and staff test-sends go).
// Rate limits: single 130429 refusals happen at random and are just retried; when more than
// SUSTAINED_SHARE of recent requests were refused, the rate halves and a pause follows, then it
// recovers step by step. 80007/4 (account- or app-wide limits) halve it at once.

/** While no answer has come, a request is assumed to reach WhatsApp within this long. */
export const ASSUMED_MAX_DELAY_MS = 50;
/** A late timer is made up for by this much at most (sending the owed requests right away). */
export const CATCH_UP_MS = 50;
export const ALERT_LEASE_MS = 15_000;
export const LIMIT_WINDOW_MS = 1_000;
export const SUSTAINED_SHARE = 0.15;
export const MIN_LIMITED_FOR_SLOWDOWN = 5;
export const MIN_FACTOR = 0.05;
/** Recovery after a slowdown: the rate factor grows by this much per second. */
export const RECOVERY_PER_SECOND = 0.1;
export const BACKOFF_PAUSE_MS = 1_000;
export const HARD_LIMIT_PAUSE_MS = 5_000;
/** Resolution of Date.now(). */
const CLOCK_STEP_MS = 1;
/** How fast the usual answer time follows new answers. */
const ANSWER_TIME_WEIGHT = 0.05;

/** "direct": single sends such as a staff test-send; paced, but neither blocked by nor blocking alerts. */
export type Priority = "alert" | "newsletter" | "direct";

export interface PaceState {
  /** Earliest start of the next request under even spacing. */
  next: number;
  /** Recent requests: [id, left at, latest possible arrival at WhatsApp] (epoch ms, by start). */
  flights: [number, number, number][];
  /** Id of the next request. */
  seq: number;
  /** Usual time from start to answer (ms), for the even spacing. */
  answerMs: number;
  /** Rate-limit refusals of the last second or so (epoch ms). */
  limited: number[];
  /** Alert broadcast id → lease expiry (epoch ms). */
  alerts: Record<string, number>;
  /** Current share of the configured rate (1 = full speed), and when it was last lowered. */
  factor: number;
  factorAt: number;
}

export const initialPaceState = (): PaceState => ({
  next: 0,
  flights: [],
  seq: 0,
  answerMs: ASSUMED_MAX_DELAY_MS,
  limited: [],
  alerts: {},
  factor: 1,
  factorAt: 0,
});

export class PaceWindow {
  state: PaceState;

  constructor(state?: Partial<PaceState>) {
    // State saved by an older version may lack fields (or carry ones no longer used).
    const s = { ...initialPaceState(), ...state };
    this.state = {
      next: s.next,
      flights: Array.isArray(s.flights) ? s.flights : [],
      seq: s.seq,
      answerMs: s.answerMs,
      limited: s.limited,
      alerts: s.alerts,
      factor: s.factor,
      factorAt: s.factorAt,
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

  /** Even spacing between two starts. */
  interval(ratePerSecond: number, now: number): number {
    return (1000 + this.state.answerMs) / this.capacity(ratePerSecond, now);
  }

  /** The earliest time (epoch ms, ≥ now) the next request may start. */
  earliest(now: number, ratePerSecond: number): number {
    const cap = this.capacity(ratePerSecond, now);
    let at = Math.max(now, this.state.next);
    const recent = this.state.flights.map((f) => f[2]).filter((u) => u > now - 1000);
    if (recent.length >= cap) {
      recent.sort((a, b) => b - a);
      at = Math.max(at, recent[cap - 1]! + 1000);
    }
    return at;
  }

  /** A request starts now (the caller checked `earliest(now) <= now`). Returns its id for `answered`. */
  record(now: number, ratePerSecond: number): number {
    const s = this.state;
    // Behind schedule by a little (a late timer): keep to the schedule, catching up. Further behind
    // (idle until now): start a fresh schedule rather than burst.
    s.next = (s.next >= now - CATCH_UP_MS ? s.next : now) + this.interval(ratePerSecond, now);
    const id = s.seq++;
    s.flights.push([id, now, now + ASSUMED_MAX_DELAY_MS]);
    // Requests that can no longer count for any window.
    let drop = 0;
    while (drop < s.flights.length && s.flights[drop]![2] <= now - 1000 && s.flights[drop]![1] <= now - LIMIT_WINDOW_MS) drop++;
    if (drop) s.flights.splice(0, drop);
    return id;
  }

  /** The answer to request `id` came at `at`: it cannot have reached WhatsApp later than that. */
  answered(id: number, at: number): void {
    const f = this.state.flights.find((x) => x[0] === id);
    if (!f) return;
    // Clocks here count whole milliseconds: the answer may have come up to one later than `at` says.
    f[2] = Math.min(f[2], at + CLOCK_STEP_MS);
    const took = Math.min(ASSUMED_MAX_DELAY_MS, Math.max(0, at - f[1]));
    this.state.answerMs += (took - this.state.answerMs) * ANSWER_TIME_WEIGHT;
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
  rateLimited(now: number, code: number): boolean {
    const s = this.state;
    s.limited.push(now);
    forget(s.limited, now - LIMIT_WINDOW_MS);
    const hard = code === 80007 || code === 4;
    const recentStarted = s.flights.filter((f) => f[1] > now - LIMIT_WINDOW_MS).length;
    const sustained = s.limited.length >= MIN_LIMITED_FOR_SLOWDOWN && s.limited.length > SUSTAINED_SHARE * Math.max(1, recentStarted);
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
