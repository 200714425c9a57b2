// Words and colours for broadcast states, shared by the list and the detail.
import type { BroadcastCounts, BroadcastKind, BroadcastStatus } from "./types";
import { tb, type BroadcastStringKey } from "./strings";

export const statusLabel = (s: BroadcastStatus) => tb(`status_${s}` as BroadcastStringKey);
export const kindLabel = (k: BroadcastKind) => tb(k === "alert" ? "kindAlert" : k === "reminder" ? "kindReminder" : "kindNewsletter");

/** Colours with ≥ 3:1 contrast on white (sent, delivered, read, failed). */
export const SERIES_COLORS = { sent: "#0b5cab", delivered: "#1b6e35", read: "#5b2391", failed: "#b42318" } as const;

/** Recipients with a final outcome: sent (in any later state), failed or skipped. */
export const doneOf = (c: BroadcastCounts) => c.recipients - c.queued - c.deferred - c.sending - c.unconfirmed;

export function isLive(status: BroadcastStatus): boolean {
  return status === "sending" || status === "paused";
}
