// After sending: who was not reached, why (German), what to do, and "Mit Vorlage erneut senden" for
// those a template can still reach. Different from the dead-letter list ("Fehlerliste" of background jobs).
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import { failureReason } from "../inbox/failure-reasons";
import { WINDOW_MS } from "../inbox/window";
import { InvalidState, RuleViolation } from "../shared/errors";
import { getBroadcastRow } from "./compose";
import { chunkMessages, type LifecycleDeps } from "./lifecycle";
import { publishProgress } from "./progress";
import type { BroadcastFailure } from "./schemas";

const DAY_MS = 24 * 60 * 60_000;
/** Codes a template cannot fix: the number is not on WhatsApp, the person opted out, or WhatsApp throttles them. */
const NOT_FIXED_BY_TEMPLATE = new Set([131026, 131050, 131049, 131048]);
const MAX_LISTED = 1000;

/** "hat seit 3 Tagen nicht geschrieben" – how long ago the citizen last wrote, in words. */
export function silenceOf(lastInboundAt: number | null, now: number): string {
  if (lastInboundAt === null) return "hat noch nie geschrieben";
  const days = Math.floor((now - lastInboundAt) / DAY_MS);
  if (now - lastInboundAt < WINDOW_MS) return "hat vor Kurzem geschrieben, das Zeitfenster war beim Senden aber zu";
  if (days < 2) return "hat seit über 24 Stunden nicht geschrieben";
  return `hat seit ${days} Tagen nicht geschrieben`;
}

function explain(code: number | null, storedReason: string | null, lastInboundAt: number | null, hasTemplate: boolean, now: number): { reason: string; advice: string } {
  switch (code) {
    case 131047:
      return {
        reason: `${silenceOf(lastInboundAt, now)} – nur mit Vorlage erreichbar`,
        advice: hasTemplate ? "Mit Vorlage erneut senden" : "Eine genehmigte Vorlage wählen (Bearbeiten einer Kopie) und erneut senden",
      };
    case 131026:
      return { reason: failureReason(code)!, advice: "Nummer prüfen – die Person nutzt WhatsApp nicht (mehr) unter dieser Nummer oder muss die App aktualisieren" };
    case 131050:
      return { reason: failureReason(code)!, advice: "Nichts tun – die Person will keine Werbenachrichten und wurde abgemeldet" };
    case 131049:
      return { reason: failureReason(code)!, advice: "In einigen Tagen erneut versuchen – WhatsApp begrenzt Werbenachrichten pro Person" };
    case 131053:
    case 131052:
      return { reason: failureReason(code)!, advice: "Foto prüfen (JPEG oder PNG, höchstens 5 MB) und erneut senden" };
    default:
      return {
        reason: storedReason ?? failureReason(code) ?? "Unbekannter Fehler",
        advice: hasTemplate ? "Mit Vorlage erneut senden oder die Person direkt anschreiben" : "Später erneut versuchen oder die Person direkt anschreiben",
      };
  }
}

const retryableSql = sql`(r.via IS NOT 'template' AND coalesce(r.error_code, 0) NOT IN (131026, 131050, 131049, 131048) AND c.erased_at IS NULL)`;

export async function listFailures(db: Db, broadcastId: string, now = Date.now()): Promise<BroadcastFailure[]> {
  const b = await getBroadcastRow(db, broadcastId);
  const rows = await db.all<{
    citizen_id: string;
    name: string | null;
    wa_id: string | null;
    error_code: number | null;
    error_reason: string | null;
    last_inbound_at: number | null;
    retryable: number;
  }>(sql`
    SELECT r.citizen_id, c.name, c.wa_id, r.error_code, r.error_reason, c.last_inbound_at, ${retryableSql} AS retryable
    FROM broadcast_recipients r JOIN citizens c ON c.id = r.citizen_id
    WHERE r.broadcast_id = ${broadcastId} AND r.status = 'failed'
    ORDER BY r.failed_at DESC, r.citizen_id LIMIT ${MAX_LISTED}`);
  const hasTemplate = b.template !== null;
  return rows.map((r) => {
    const code = r.error_code === null ? null : Number(r.error_code);
    return {
      citizenId: r.citizen_id,
      name: r.name,
      phone: r.wa_id,
      code,
      ...explain(code, r.error_reason, r.last_inbound_at, hasTemplate, now),
      lastInboundAt: r.last_inbound_at,
      retryableWithTemplate: hasTemplate && b.status !== "cancelled" && Boolean(r.retryable) && !NOT_FIXED_BY_TEMPLATE.has(code ?? 0),
    };
  });
}

/**
 * Sends the template to failed recipients a template can still reach (all of them, or those named).
 * They are queued again with fallback_at set, which makes the claim choose the template; a broadcast
 * already done is sending again until they are through.
 */
export async function retryWithTemplate(deps: LifecycleDeps, broadcastId: string, citizenIds: string[] | null, now = Date.now()): Promise<number> {
  const b = await getBroadcastRow(deps.db, broadcastId);
  if (!b.template) {
    throw new RuleViolation("template_required", "Diese Aussendung hat keine Vorlage. Bitte eine Kopie erstellen und darin eine Vorlage wählen.", { insideWindow: 0, outsideWindow: 0 });
  }
  if (b.status === "cancelled" || b.status === "draft" || b.status === "scheduled") {
    throw new InvalidState("invalid_state", "Erneut senden geht erst, wenn die Aussendung gesendet ist. Bitte warten, bis sie fertig ist.", { status: b.status });
  }
  const only = citizenIds ? sql`AND citizen_id IN (SELECT value FROM json_each(${JSON.stringify(citizenIds)}))` : sql``;
  const [requeued] = await batchSql(deps.db, [
    sql`UPDATE broadcast_recipients SET status = 'queued', fallback_at = coalesce(fallback_at, ${now}), wamid = NULL, sending_since = NULL,
          failed_at = NULL, error_reason = 'Wird mit der Vorlage erneut gesendet', updated_at = ${now}
        WHERE broadcast_id = ${broadcastId} AND status = 'failed' ${only}
          AND citizen_id IN (SELECT r.citizen_id FROM broadcast_recipients r JOIN citizens c ON c.id = r.citizen_id
                             WHERE r.broadcast_id = ${broadcastId} AND ${retryableSql})
        RETURNING citizen_id`,
    sql`UPDATE broadcasts SET status = 'sending', finished_at = NULL, updated_at = ${now}
        WHERE id = ${broadcastId} AND status = 'done'
          AND EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ${broadcastId} AND status = 'queued')`,
  ]);
  const ids = (requeued?.results ?? []).map((r) => (r as { citizen_id: string }).citizen_id).sort();
  if (ids.length) await deps.enqueue(chunkMessages(broadcastId, ids));
  await publishProgress(deps.env, broadcastId, { force: true });
  return ids.length;
}
