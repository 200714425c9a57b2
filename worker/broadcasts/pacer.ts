// One pacer for the whole phone number: a single Durable Object (named "main") through which every
// broadcast message and test-send goes out. Queue consumers claim their recipients in D1 and hand
// them over here; the pacer starts each request itself, on the dot, and answers with the outcome.
// Starting the requests here (not in the consumers) is what lets it run close to the rate: there is
// no gap between being allowed to send and sending, so no slack for late consumers is needed.
// The rules live in pace-window.ts; this class keeps the waiting line and one timer.
import { DurableObject } from "cloudflare:workers";
import { getConfig, type Env } from "../env";
import { clientFromConfig, graphErrorData, type GraphErrorData, type OutboundMessage, type Recipient, type WhatsAppClient } from "../whatsapp";
import { ASSUMED_MAX_DELAY_MS, PaceWindow, type PaceState, type Priority } from "./pace-window";

export type { Priority } from "./pace-window";

const KEY = "pacer";
/** The state is written at most this often while sending (and at once when a limit or lease changes). */
const SAVE_EVERY_MS = 200;
/** A newsletter message held back this long by an alert is handed back (its consumer re-queues it). */
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
}

export type PacedResult =
  | { key: string; kind: "sent"; wamid: string; at: number }
  | { key: string; kind: "error"; error: GraphErrorData; at: number }
  /** Not sent: its broadcast was paused or cancelled meanwhile. */
  | { key: string; kind: "withdrawn" }
  /** Not sent: a newsletter message that waited PRIORITY_YIELD_MS behind an alert. */
  | { key: string; kind: "deferred" };

/** The request's id at the pace window when it may go now; else why it is not sent. */
type Turn = number | "withdrawn" | "deferred";

interface Waiting {
  seq: number;
  broadcastId: string;
  rank: number;
  /** Since when an alert has held it back (newsletters only). */
  blockedSince: number | null;
  resolve(turn: Turn): void;
}

/** Lower goes first. */
const RANK: Record<Priority, number> = { alert: 0, direct: 1, newsletter: 2 };

interface SavedState extends PaceState {
  savedAt: number;
}

export class Pacer extends DurableObject<Env> {
  private window: PaceWindow;
  private waiting: Waiting[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private savedAt = 0;
  private cachedClient: WhatsAppClient | null = null;
  private cachedRate: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const saved = ctx.storage.kv.get<SavedState>(KEY);
    this.window = new PaceWindow(saved);
    // Requests started after the last save are not in the saved state: after a restart, keep a
    // full window of distance from it rather than risk going over the rate.
    if (saved?.savedAt) this.window.state.next = Math.max(this.window.state.next, saved.savedAt + SAVE_EVERY_MS + 1000 + ASSUMED_MAX_DELAY_MS);
  }

  private get rate(): number {
    return (this.cachedRate ??= getConfig(this.env).BROADCAST_RATE_PER_SECOND);
  }

  private get whatsapp(): WhatsAppClient {
    return (this.cachedClient ??= clientFromConfig(getConfig(this.env)));
  }

  private save(force = false): void {
    const now = Date.now();
    if (!force && now - this.savedAt < SAVE_EVERY_MS) return;
    this.savedAt = now;
    const state: SavedState = { ...this.window.state, savedAt: now };
    // Unconfirmed: a request must never wait for this write to reach disk (that would skew its timing).
    void this.ctx.storage.put(KEY, state, { allowUnconfirmed: true });
  }

  /**
   * Sends each item (the same message to each recipient) in its turn and answers with every
   * outcome. Items of one call may go out interleaved with other calls' items.
   */
  async send(req: PacedRequest): Promise<PacedResult[]> {
    if (req.priority === "alert") {
      this.window.prioritize(Date.now(), req.broadcastId);
      this.save(true);
    }
    return Promise.all(
      req.items.map(async (item): Promise<PacedResult> => {
        const turn = await this.turn(req);
        if (typeof turn !== "number") return { key: item.key, kind: turn };
        try {
          const { wamid } = await this.whatsapp.sendMessage(item.to, item.message ?? req.message, item.callbackData ? { callbackData: item.callbackData } : {});
          this.answered(turn);
          return { key: item.key, kind: "sent", wamid, at: Date.now() };
        } catch (err) {
          this.answered(turn);
          const error = graphErrorData(err);
          // 131056 is about one recipient, not the number's throughput.
          if (error.kind === "rate_limited" && error.code !== 131056 && this.window.rateLimited(Date.now(), error.code)) {
            this.save(true);
            this.pump();
          }
          return { key: item.key, kind: "error", error, at: Date.now() };
        }
      }),
    );
  }

  private turn(req: PacedRequest): Promise<Turn> {
    return new Promise<Turn>((resolve) => {
      this.waiting.push({
        seq: this.seq++,
        broadcastId: req.broadcastId,
        rank: RANK[req.priority],
        blockedSince: null,
        resolve,
      });
      this.pump();
    });
  }

  /** Starts whatever is due now, then sets the timer for the next thing that will be. */
  private pump(): void {
    const now = Date.now();
    const alertActive = this.window.activeAlerts(now).length > 0;
    let wake = Number.POSITIVE_INFINITY;
    if (alertActive) {
      // Newsletters wait while an alert holds a lease; after PRIORITY_YIELD_MS they are handed back.
      for (const w of this.waiting) if (w.rank === RANK.newsletter) w.blockedSince ??= now;
      this.settle((w) => w.blockedSince !== null && now - w.blockedSince >= PRIORITY_YIELD_MS, "deferred");
      for (const w of this.waiting) if (w.blockedSince !== null) wake = Math.min(wake, w.blockedSince + PRIORITY_YIELD_MS);
      wake = Math.min(wake, ...Object.values(this.window.state.alerts));
    }
    for (;;) {
      let best: Waiting | null = null;
      for (const w of this.waiting) {
        if (alertActive && w.rank === RANK.newsletter) continue;
        if (!best || w.rank < best.rank || (w.rank === best.rank && w.seq < best.seq)) best = w;
      }
      if (!best) break;
      const at = this.window.earliest(now, this.rate);
      if (at > now) {
        wake = Math.min(wake, at);
        break;
      }
      this.waiting.splice(this.waiting.indexOf(best), 1);
      best.resolve(this.window.record(now, this.rate));
    }
    this.save();
    this.schedule(wake);
  }

  /** An answer came: the request cannot have reached WhatsApp later, which may free the next one. */
  private answered(id: number): void {
    this.window.answered(id, Date.now());
    if (this.waiting.length > 0) this.pump();
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt === at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!Number.isFinite(at) || this.waiting.length === 0) return;
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - Date.now()));
  }

  /** Removes the waiting items that match and ends their wait with `turn`. */
  private settle(match: (w: Waiting) => boolean, turn: Exclude<Turn, number>): number {
    const gone = this.waiting.filter(match);
    if (gone.length === 0) return 0;
    this.waiting = this.waiting.filter((w) => !match(w));
    for (const w of gone) w.resolve(turn);
    return gone.length;
  }

  /** The broadcast was paused or cancelled: nothing of it that still waits goes out. */
  async withdraw(broadcastId: string): Promise<number> {
    const n = this.settle((w) => w.broadcastId === broadcastId, "withdrawn");
    this.pump();
    return n;
  }

  async prioritize(broadcastId: string, leaseMs?: number): Promise<void> {
    this.window.prioritize(Date.now(), broadcastId, leaseMs);
    this.save(true);
    this.pump();
  }

  async release(broadcastId: string): Promise<void> {
    this.window.release(broadcastId);
    this.save(true);
    this.pump();
  }

  async snapshot(): Promise<{ state: PaceState; factor: number; alerts: string[]; waiting: number }> {
    const now = Date.now();
    return { state: this.window.state, factor: this.window.factorAt(now), alerts: this.window.activeAlerts(now), waiting: this.waiting.length };
  }
}

export const PACER_NAME = "main";
export const pacerOf = (env: Pick<Env, "PACER">) => env.PACER.getByName(PACER_NAME);
