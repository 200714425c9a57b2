// Handing a group of claimed recipients to the pacer and turning what it answers into outcomes to
// record: sent (with its wamid), back to the queue (transient error, withdrawn, deferred behind an
// alert), or failed for good with a German reason.
import { alertOnAuthError } from "../alerts/admin-alerts";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { reviveGraphError } from "../whatsapp";
import type { PreparedMessages } from "./message";
import { getBroadcastRow } from "./compose";
import { classifyFailure } from "./message";
import type { PacedResult, Priority } from "./pacer";
import { sendPaced as sendThroughSender } from "./sender";
import type { ClaimedRecipient, Outcome } from "./recipients";
import { FALLBACK_REASON, recipientCallbackData } from "./statuses";

export interface SendDeps {
  env: Env;
  db: Db;
}

/** Shown while a recipient waits for WhatsApp's status webhook after a lost answer. */
export const UNCONFIRMED_REASON = "Keine Antwort von WhatsApp – wartet auf Bestätigung, bevor erneut gesendet wird";

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

export type DispatchedOutcome = Outcome & {
  retryAt: number;
  /** The access token was refused: stop and pause the broadcast. */
  halt?: boolean;
  /** Not sent because the broadcast was paused or cancelled meanwhile. */
  withdrawn?: boolean;
  /** Not sent because an alert went first for too long. */
  deferred?: boolean;
};

/** The recipient is handed back unsent, with no attempt used. */
const handBack = (
  citizenId: string,
  extra: { code?: number; reason?: string; halt?: boolean; withdrawn?: boolean; deferred?: boolean } = {},
): DispatchedOutcome => ({ kind: "requeue", citizenId, countAttempt: false, retryAt: 0, ...extra, code: extra.code ?? null, reason: extra.reason ?? null });

/** Sends the claimed recipients through a sender at the pacer's pace, each the form chosen in its claim. Resolves once every one has an outcome. */
export async function sendPaced(
  deps: SendDeps,
  broadcast: { id: string; kind: Priority },
  messages: PreparedMessages,
  claimed: ClaimedRecipient[],
  claimedAt = Date.now(),
): Promise<DispatchedOutcome[]> {
  const byId = new Map(claimed.map((r) => [r.citizenId, r]));
  const fallbackMessage = (messages.template ?? messages.content)!;
  const results = await sendThroughSender(deps.env, {
    broadcastId: broadcast.id,
    priority: broadcast.kind,
    claimedAt,
    message: fallbackMessage,
    items: claimed.map((r) => ({
      key: r.citizenId,
      to: { waId: r.waId, userId: r.userId },
      callbackData: recipientCallbackData(broadcast.id, r.citizenId, r.via),
      message: (r.via === "template" ? messages.template : messages.content) ?? fallbackMessage,
    })),
  });
  return Promise.all(results.map((res) => outcomeOf(deps, res, byId.get(res.key)!, messages.template !== null)));
}

async function outcomeOf(deps: SendDeps, res: PacedResult, r: ClaimedRecipient, hasTemplate: boolean): Promise<DispatchedOutcome> {
  switch (res.kind) {
    case "sent":
      return { kind: "sent", citizenId: r.citizenId, wamid: res.wamid, at: res.at, retryAt: 0 };
    case "withdrawn":
      return handBack(r.citizenId, { withdrawn: true });
    case "deferred":
      return handBack(r.citizenId, { deferred: true });
    case "error":
      break;
  }
  const err = reviveGraphError(res.error);
  if (err.ambiguous) {
    // It may have reached WhatsApp: never send it again at once (see recovery.ts).
    return { kind: "unconfirmed", citizenId: r.citizenId, code: err.code, reason: UNCONFIRMED_REASON, at: res.at, retryAt: 0 };
  }
  if (err.kind === "outside_window" && r.via === "content" && hasTemplate && !r.fellBack) {
    // The window closed in between: this recipient gets the template instead, once.
    return { kind: "requeue", citizenId: r.citizenId, code: err.code, reason: FALLBACK_REASON, countAttempt: false, fallback: true, retryAt: res.at };
  }
  const action = classifyFailure(err, r.attempts);
  switch (action.kind) {
    case "retry":
      return {
        kind: "requeue",
        citizenId: r.citizenId,
        code: action.code || null,
        reason: action.reason,
        countAttempt: !action.rateLimited,
        retryAt: res.at + action.delayMs,
      };
    case "halt": {
      const event = await alertOnAuthError(deps.db, err).catch(() => null);
      if (event) await publishToRoom(deps.env, [event]);
      return handBack(r.citizenId, { code: action.code, reason: action.reason, halt: true });
    }
    case "fail":
      return {
        kind: "failed",
        citizenId: r.citizenId,
        code: action.code,
        reason: action.reason,
        at: res.at,
        optedOut: action.optedOut,
        deadLetter: action.exhausted ? { attempts: r.attempts } : null,
        retryAt: 0,
      };
  }
}
