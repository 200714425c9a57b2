// Sending a group of claimed recipients at their pacer slots: one timer per slot, a slot missed by
// more than the grant's tolerance is given up (and reported to the pacer), nothing more goes out
// once the broadcast is paused or cancelled, and every send ends in an outcome to record.
import { alertOnAuthError } from "../alerts/admin-alerts";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { getBroadcastRow } from "./compose";
import { classifyFailure, type SendFn } from "./message";
import type { Grant, Pacer } from "./pacer";
import type { ClaimedRecipient, Outcome } from "./recipients";
import { recipientCallbackData } from "./statuses";

export interface SendDeps {
  env: Env;
  db: Db;
  pacer: DurableObjectStub<Pacer>;
}

/** How often a running chunk looks whether its broadcast was paused or cancelled. */
const STATUS_POLL_MS = 250;

/**
 * The last reading of each broadcast's status in this isolate, shared by all its chunks so they
 * poll D1 once between them. Only plain values are shared: a promise created while serving one
 * queue batch must never be awaited by another (the runtime would leave that one hanging).
 */
const lastReading = new Map<string, { at: number; sending: boolean }>();

/**
 * Whether the broadcast is still sending. Answers at once from the last reading and refreshes it
 * from D1 in the background at most every STATUS_POLL_MS, so the send path never waits on D1.
 */
export function statusWatch(db: Db, broadcastId: string) {
  // The caller has just read the broadcast as sending: that is the freshest reading there is.
  lastReading.set(broadcastId, { at: Date.now(), sending: true });
  let refreshing: Promise<void> | null = null;
  return {
    isSending(): boolean {
      const last = lastReading.get(broadcastId) ?? { at: 0, sending: true };
      if (!refreshing && Date.now() - last.at >= STATUS_POLL_MS) {
        lastReading.set(broadcastId, { ...last, at: Date.now() });
        refreshing = getBroadcastRow(db, broadcastId)
          .then((b) => void lastReading.set(broadcastId, { at: Date.now(), sending: b.status === "sending" }))
          .catch(() => undefined)
          .finally(() => void (refreshing = null));
      }
      return last.sending;
    },
    /** Resolves when this chunk's refresh (if any) is done, so none is left behind. */
    settled: (): Promise<void> => refreshing ?? Promise.resolve(),
  };
}
export type StatusWatch = ReturnType<typeof statusWatch>;

export type DispatchedOutcome = Outcome & { retryAt: number; halt?: boolean };

/** Slots this chunk used and missed since it last asked the pacer (the pacer adapts to it). */
export function punctualityCounter() {
  let used = 0;
  let late = 0;
  return {
    used: () => void used++,
    late: () => void late++,
    report(): { used: number; late: number } {
      const r = { used, late };
      used = 0;
      late = 0;
      return r;
    },
  };
}
export type Punctuality = ReturnType<typeof punctualityCounter>;

/**
 * Sends each claimed recipient at its slot. Returns once every send has an outcome. A slot missed
 * by more than the grant's tolerance is not used (the recipient goes back to the queue, nothing
 * sent), so late sends can never bunch up above the rate. After a pause or cancel nothing more is sent.
 */
export function dispatch(
  deps: SendDeps,
  broadcastId: string,
  send: SendFn,
  claimed: ClaimedRecipient[],
  grant: Grant,
  watch: StatusWatch,
  punctuality: Punctuality,
): Promise<DispatchedOutcome[]> {
  const requeue = (r: ClaimedRecipient): DispatchedOutcome => ({ kind: "requeue", citizenId: r.citizenId, code: null, reason: null, countAttempt: false, retryAt: 0 });
  // One timer per slot, all set now: a late timer does not delay the ones after it.
  return Promise.all(
    claimed.map(
      (r, i) =>
        new Promise<DispatchedOutcome>((resolve) => {
          const slot = grant.slots[i]!;
          const fire = () => {
            if (Date.now() < slot) return void setTimeout(fire, slot - Date.now());
            if (!watch.isSending()) return resolve(requeue(r));
            if (Date.now() > slot + grant.toleranceMs) {
              punctuality.late();
              return resolve(requeue(r));
            }
            punctuality.used();
            resolve(sendOne(deps, broadcastId, send, r));
          };
          setTimeout(fire, Math.max(0, slot - Date.now()));
        }),
    ),
  );
}

async function sendOne(deps: SendDeps, broadcastId: string, send: SendFn, r: ClaimedRecipient): Promise<DispatchedOutcome> {
  try {
    const { wamid } = await send({ waId: r.waId, userId: r.userId }, { callbackData: recipientCallbackData(broadcastId, r.citizenId) });
    return { kind: "sent", citizenId: r.citizenId, wamid, at: Date.now(), retryAt: 0 };
  } catch (err) {
    const action = classifyFailure(err, r.attempts);
    const now = Date.now();
    switch (action.kind) {
      case "retry":
        if (action.rateLimited) await deps.pacer.rateLimited(action.code).catch(() => false);
        return {
          kind: "requeue",
          citizenId: r.citizenId,
          code: action.code || null,
          reason: action.reason,
          countAttempt: !action.rateLimited,
          retryAt: now + action.delayMs,
        };
      case "halt": {
        const event = await alertOnAuthError(deps.db, err).catch(() => null);
        if (event) await publishToRoom(deps.env, [event]);
        return { kind: "requeue", citizenId: r.citizenId, code: action.code, reason: action.reason, countAttempt: false, retryAt: 0, halt: true };
      }
      case "fail":
        return {
          kind: "failed",
          citizenId: r.citizenId,
          code: action.code,
          reason: action.reason,
          at: now,
          optedOut: action.optedOut,
          deadLetter: action.exhausted ? { attempts: r.attempts } : null,
          retryAt: 0,
        };
    }
  }
}

