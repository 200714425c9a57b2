// STOP wins until the citizen asks again: staff may subscribe someone whose latest consent action is
// STOP only when they record the citizen's new request (when it was made, and a reason). The request
// time becomes the consent time, so it is ordered against the STOP like any other action.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { AppError } from "../shared/errors";

export interface CitizenRequest {
  reason: string;
  /** When the citizen asked to be subscribed again (epoch ms). */
  citizenRequestedAt: number;
}

/** Clock skew allowed for a request time "now" typed on another device. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** The time of the citizen's STOP when it is their latest applied consent action, else null. */
export async function latestStopAt(db: Db, citizenId: string): Promise<number | null> {
  const row = await db.get<{ action: string; at: number }>(sql`
    SELECT action, coalesce(acted_at, created_at) AS at FROM consent_events
    WHERE citizen_id = ${citizenId} AND superseded = 0
    ORDER BY coalesce(acted_at, created_at) DESC, id DESC LIMIT 1`);
  return row?.action === "unsubscribe_all" ? row.at : null;
}

/**
 * Decides a staff subscription after STOP: returns the consent time and reason to record, or throws
 * a 409/400 with a German sentence. Without a STOP, nothing is required (reason kept if given).
 */
export async function checkStaffResubscribe(
  db: Db,
  citizenId: string,
  request: CitizenRequest | undefined,
  now = Date.now(),
): Promise<{ actedAt?: number; reason: string | null }> {
  const stopAt = await latestStopAt(db, citizenId);
  if (stopAt === null) return { reason: request?.reason.trim() || null };
  if (!request) {
    throw new AppError(
      409,
      "citizen_stopped",
      "Diese Person hat STOP gesendet. Sie darf nur wieder angemeldet werden, wenn sie selbst darum gebeten hat: bitte angeben, wann und warum.",
      { stoppedAt: stopAt },
    );
  }
  const reason = request.reason.trim();
  if (reason.length < 5) {
    throw new AppError(400, "reason_required", "Bitte kurz beschreiben, wie die Person um die neue Anmeldung gebeten hat (mindestens 5 Zeichen).");
  }
  if (request.citizenRequestedAt <= stopAt) {
    throw new AppError(409, "request_before_stop", "Die Anfrage ist älter als das STOP der Person. Es zählt die neueste Entscheidung: bitte eine spätere Anfrage angeben.", {
      stoppedAt: stopAt,
    });
  }
  if (request.citizenRequestedAt > now + FUTURE_SLACK_MS) {
    throw new AppError(400, "request_in_future", "Der Zeitpunkt der Anfrage liegt in der Zukunft. Bitte Datum und Uhrzeit prüfen.");
  }
  return { actedAt: Math.min(request.citizenRequestedAt, now), reason };
}
