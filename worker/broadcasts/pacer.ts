// One pacer for the whole phone number: a single Durable Object (named "main") that hands out send
// permits (start times) for every broadcast message and test-send. It makes no Graph calls itself:
// the Sender objects (sender.ts) do, each with its own 6 connections, so the rate is not capped by
// one object's connections. The rule lives in pace-window.ts; this class keeps the waiting line of
// reservations (alerts first), one timer, and the clock's state, written with every grant so that a
// restart can never hand out a time twice.
import { DurableObject } from "cloudflare:workers";
import { getConfig, type Env } from "../env";
import type { GraphErrorData, OutboundMessage, Recipient } from "../whatsapp";
import { PaceWindow, type PaceState, type Priority } from "./pace-window";

export type { Priority } from "./pace-window";

const KEY = "pacer";
/** A newsletter reservation held back this long by an alert is handed back (its consumer re-queues it). */
export const PRIORITY_YIELD_MS = 2_000;

export interface PacedItem {
  /** Echoed in the result (the citizen id). */
  key: string;
  to: Recipient;
  callbackData?: string;
  /** This recipient's message, when it differs from the request's (content or template, per recipient). */
  message?: OutboundMessage;
}

export interface PacedRequest {
  broadcastId: string;
  priority: Priority;
  message: OutboundMessage;
  items: PacedItem[];
  /** When the recipients were claimed (epoch ms): a pause or cancel after that withdraws what is not yet sent. */
  claimedAt?: number;
}

export type PacedResult =
  | { key: string; kind: "sent"; wamid: string; at: number }
  | { key: string; kind: "error"; error: GraphErrorData; at: number }
  /** Not sent: its broadcast was paused or cancelled meanwhile. */
  | { key: string; kind: "withdrawn" }
  /** Not sent: a newsletter message that waited PRIORITY_YIELD_MS behind an alert. */
  | { key: string; kind: "deferred" };

/** Start times for up to the asked number of requests (maybe fewer), or why there are none. */
export type Reservation = { kind: "permits"; times: number[]; slackMs: number } | { kind: "withdrawn" } | { kind: "deferred" };

export interface ReserveRequest {
  broadcastId: string;
  priority: Priority;
  n: number;
  /** When these sends were handed over (epoch ms): a pause or cancel after that withdraws them. */
  since: number;
  /** Permits this sender gave up since its last reservation: how many ms past their deadline each start was. */
  late?: number[];
}

/** How long a withdrawal is remembered: longer than any group takes to go through. */
const WITHDRAWN_KEEP_MS = 10 * 60_000;

interface SavedState extends PaceState {
  /** Broadcast id → when it was withdrawn (paused or cancelled). */
  withdrawn?: Record<string, number>;
}

interface Waiting {
  seq: number;
  broadcastId: string;
  rank: number;
  n: number;
  /** Since when an alert has held it back (newsletters only). */
  blockedSince: number | null;
  resolve(r: Reservation): void;
}

/** Lower goes first. */
const RANK: Record<Priority, number> = { alert: 0, direct: 1, newsletter: 2 };

export class Pacer extends DurableObject<Env> {
  private window: PaceWindow;
  private waiting: Waiting[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private cachedRate: number | null = null;
  private withdrawn: Record<string, number>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Every grant was written before its answer left (the output gate holds it), so the saved clock
    // is past every permit ever handed out: nothing to add after a restart.
    const saved = ctx.storage.kv.get<SavedState>(KEY);
    this.window = new PaceWindow(saved);
    this.withdrawn = saved?.withdrawn ?? {};
  }

  private get rate(): number {
    return (this.cachedRate ??= getConfig(this.env).BROADCAST_RATE_PER_SECOND);
  }

  private save(): void {
    const state: SavedState = { ...this.window.state, withdrawn: this.withdrawn };
    this.ctx.storage.kv.put(KEY, state);
  }

  /** Permits for up to `n` sends of this broadcast, in priority order; waits until some are due. */
  async reserve(req: ReserveRequest): Promise<Reservation> {
    if (req.late?.length) this.window.late(Date.now(), req.late);
    const withdrawnAt = this.withdrawn[req.broadcastId];
    if (withdrawnAt !== undefined && req.since <= withdrawnAt) return { kind: "withdrawn" };
    if (req.priority === "alert") {
      this.window.prioritize(Date.now(), req.broadcastId);
      this.save();
    }
    return new Promise<Reservation>((resolve) => {
      this.waiting.push({ seq: this.seq++, broadcastId: req.broadcastId, rank: RANK[req.priority], n: Math.max(1, req.n), blockedSince: null, resolve });
      this.pump();
    });
  }

  /** Grants whatever is grantable now, then sets the timer for the next moment something will be. */
  private pump(): void {
    const now = Date.now();
    const alertActive = this.window.activeAlerts(now).length > 0;
    let wake = Number.POSITIVE_INFINITY;
    if (alertActive) {
      // Newsletters wait while an alert holds a lease; after PRIORITY_YIELD_MS they are handed back.
      for (const w of this.waiting) if (w.rank === RANK.newsletter) w.blockedSince ??= now;
      this.settle((w) => w.blockedSince !== null && now - w.blockedSince >= PRIORITY_YIELD_MS, { kind: "deferred" });
      for (const w of this.waiting) if (w.blockedSince !== null) wake = Math.min(wake, w.blockedSince + PRIORITY_YIELD_MS);
      wake = Math.min(wake, ...Object.values(this.window.state.alerts));
    } else {
      for (const w of this.waiting) w.blockedSince = null;
    }
    let granted = false;
    for (;;) {
      let best: Waiting | null = null;
      for (const w of this.waiting) {
        if (alertActive && w.rank === RANK.newsletter) continue;
        if (!best || w.rank < best.rank || (w.rank === best.rank && w.seq < best.seq)) best = w;
      }
      if (!best) break;
      const times = this.window.grant(now, this.rate, best.n);
      if (times.length === 0) {
        wake = Math.min(wake, this.window.grantableAt());
        break;
      }
      this.waiting.splice(this.waiting.indexOf(best), 1);
      best.resolve({ kind: "permits", times, slackMs: this.window.state.slack });
      granted = true;
    }
    if (granted) this.save();
    this.schedule(wake);
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt === at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!Number.isFinite(at) || this.waiting.length === 0) return;
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(0, Math.ceil(at - Date.now())),
    );
  }

  /** Removes the waiting reservations that match and answers them with `r`. */
  private settle(match: (w: Waiting) => boolean, r: Reservation): number {
    const gone = this.waiting.filter(match);
    if (gone.length === 0) return 0;
    this.waiting = this.waiting.filter((w) => !match(w));
    for (const w of gone) w.resolve(r);
    return gone.length;
  }

  /** A sender's request was refused for rate (130429, 80007, 4): maybe slow down. */
  async rateLimited(code: number): Promise<boolean> {
    const slowed = this.window.rateLimited(Date.now(), code, this.rate);
    this.save();
    if (slowed) this.pump();
    return slowed;
  }

  /** The broadcast was paused or cancelled: its reservations still waiting get no permits. */
  async withdraw(broadcastId: string): Promise<number> {
    const now = Date.now();
    for (const [id, at] of Object.entries(this.withdrawn)) if (at < now - WITHDRAWN_KEEP_MS) delete this.withdrawn[id];
    // Also what senders still hold in their lines: handed over before now, it gets no permit later.
    this.withdrawn[broadcastId] = now;
    this.save();
    const n = this.settle((w) => w.broadcastId === broadcastId, { kind: "withdrawn" });
    this.pump();
    return n;
  }

  async prioritize(broadcastId: string, leaseMs?: number): Promise<void> {
    this.window.prioritize(Date.now(), broadcastId, leaseMs);
    this.save();
    this.pump();
  }

  async release(broadcastId: string): Promise<void> {
    this.window.release(broadcastId);
    this.save();
    this.pump();
  }

  async snapshot(): Promise<{ state: PaceState; factor: number; alerts: string[]; waiting: number }> {
    const now = Date.now();
    return { state: this.window.state, factor: this.window.factorAt(now), alerts: this.window.activeAlerts(now), waiting: this.waiting.length };
  }
}

export const PACER_NAME = "main";
export const pacerOf = (env: Pick<Env, "PACER">) => env.PACER.getByName(PACER_NAME);
