// The minute cron's reminders: for each waste calendar day whose reminder time has come, one
// broadcast of kind `reminder` to the channel's subscribers, exactly once.
//
// Exactly once: the key is (channel, Vienna day) in calendar_reminders. The claim (INSERT … ON
// CONFLICT DO NOTHING) and the broadcast it names are written in ONE D1 batch, so of two overlapping
// cron runs only one creates a broadcast, and a crash can never leave a claim without its broadcast.
// The broadcast is created `scheduled` and due at once: if this run dies before starting it, the
// broadcast cron starts it a minute later (worker/broadcasts/recovery.ts), and its recipient rows
// make every citizen get it once.
import { sql } from "drizzle-orm";
import { checkTemplateRef, findTemplate, renderTemplate } from "../templates/store";
import { lifecycleDeps, startBroadcast, type LifecycleDeps } from "../broadcasts/lifecycle";
import { batchSql } from "../db/client";
import { DomainError } from "../shared/errors";
import { newId } from "../shared/ids";
import { joinSummaries, recordCalendarError, refreshDueCalendars } from "./store";
import { germanDate } from "./vienna-dates";
import type { Env } from "../env";

/** A reminder later than this is not sent (nobody wants "Morgen: Restmüll" at 3 a.m.); it is recorded as skipped. */
export const LATE_AFTER_MS = 2 * 3_600_000;

interface DueDay {
  channel_id: string;
  channel_name: string;
  day: string;
  remind_at: number;
  summaries: string;
  template_name: string | null;
  template_language: string | null;
}

export interface ReminderRunResult {
  sent: { channelId: string; day: string; broadcastId: string }[];
  skipped: { channelId: string; day: string }[];
}

/** Days of waste calendars whose reminder time has come and which nobody claimed yet. */
async function dueDays(deps: LifecycleDeps, now: number): Promise<DueDay[]> {
  // Every event of a due day is in its message, also one whose own reminder time is later.
  return deps.db.all<DueDay>(sql`
    WITH due AS (SELECT DISTINCT channel_id, day FROM calendar_events WHERE remind_at <= ${now})
    SELECT e.channel_id, ch.name AS channel_name, e.day, min(e.remind_at) AS remind_at,
           json_group_array(json_object('s', e.start, 't', e.summary)) AS summaries, c.template_name, c.template_language
    FROM due d
    JOIN calendar_events e ON e.channel_id = d.channel_id AND e.day = d.day
    JOIN channel_calendars c ON c.channel_id = e.channel_id AND c.kind = 'waste'
    JOIN channels ch ON ch.id = e.channel_id AND ch.archived = 0
    WHERE NOT EXISTS (SELECT 1 FROM calendar_reminders r WHERE r.channel_id = d.channel_id AND r.day = d.day)
    GROUP BY e.channel_id, e.day
    ORDER BY min(e.remind_at), e.channel_id
    LIMIT 50`);
}

/** The day's summaries in order of start time (then name). */
function summariesOf(d: DueDay): string {
  const list = JSON.parse(d.summaries) as { s: number; t: string }[];
  list.sort((a, b) => a.s - b.s || a.t.localeCompare(b.t, "de"));
  return joinSummaries(list.map((x) => x.t));
}

/** The free-form text equal to the template (its body with the parameters), for the broadcast list and free-form delivery. */
async function reminderText(deps: LifecycleDeps, template: { name: string; language: string }, params: [string, string]): Promise<string> {
  const t = await findTemplate(deps.db, template.name, template.language);
  return t?.body ? renderTemplate(t.body, params) : `Erinnerung: ${params[0]} – ${params[1]}`;
}

export async function runReminders(deps: LifecycleDeps, now: number): Promise<ReminderRunResult> {
  const result: ReminderRunResult = { sent: [], skipped: [] };
  for (const d of await dueDays(deps, now)) {
    const summary = summariesOf(d);
    if (now - d.remind_at > LATE_AFTER_MS) {
      const claimed = await deps.db.run(sql`
        INSERT INTO calendar_reminders (channel_id, day, remind_at, status, broadcast_id, summary, reason, created_at)
        VALUES (${d.channel_id}, ${d.day}, ${d.remind_at}, 'skipped', NULL, ${summary},
                ${`Nicht gesendet: ${Math.floor((now - d.remind_at) / 60_000)} Minuten zu spät (mehr als 2 Stunden)`}, ${now})
        ON CONFLICT DO NOTHING`);
      if (claimed.meta.changes > 0) result.skipped.push({ channelId: d.channel_id, day: d.day });
      continue;
    }
    if (!d.template_name || !d.template_language) continue; // a waste calendar always has one (checked on PUT)
    const template = { name: d.template_name, language: d.template_language };
    const dateLabel = germanDate(d.day);
    const params: [string, string] = [summary, dateLabel];
    try {
      await checkTemplateRef(deps.db, { ...template, parameters: params });
    } catch (err) {
      // Not claimed: tried again next minute until fixed or 2 hours late. Staff see why on the channel page.
      const reason = err instanceof DomainError ? err.message : "Vorlage nicht verwendbar";
      await recordCalendarError(deps.db, d.channel_id, `Erinnerung für ${dateLabel} nicht gesendet: ${reason}`, now);
      continue;
    }
    const broadcastId = newId();
    const text = await reminderText(deps, template, params);
    const results = await batchSql(deps.db, [
      sql`INSERT INTO calendar_reminders (channel_id, day, remind_at, status, broadcast_id, summary, reason, created_at)
          VALUES (${d.channel_id}, ${d.day}, ${d.remind_at}, 'sent', ${broadcastId}, ${summary}, NULL, ${now})
          ON CONFLICT DO NOTHING`,
      sql`INSERT INTO broadcasts (id, title, kind, text, template, channel_ids, status, send_at, created_at, updated_at, delivery)
          SELECT ${broadcastId}, ${`Erinnerung ${d.channel_name}: ${summary} (${dateLabel})`.slice(0, 200)}, 'reminder', ${text},
                 ${JSON.stringify({ ...template, parameters: params })}, ${JSON.stringify([d.channel_id])}, 'scheduled', ${now}, ${now}, ${now}, 'auto'
          WHERE EXISTS (SELECT 1 FROM calendar_reminders WHERE channel_id = ${d.channel_id} AND day = ${d.day} AND broadcast_id = ${broadcastId})`,
    ]);
    if ((results[1]?.meta.changes ?? 0) === 0) continue; // another run claimed this day
    await deps.db.run(sql`UPDATE channel_calendars SET error = NULL, error_at = NULL WHERE channel_id = ${d.channel_id} AND error LIKE 'Erinnerung%'`);
    await startBroadcast(deps, broadcastId, now);
    result.sent.push({ channelId: d.channel_id, day: d.day, broadcastId });
  }
  return result;
}

/** The minute task: reminders first (they are due now), then a few calendars' daily refresh. */
export async function runCalendarMinute(env: Env, scheduledTime: number): Promise<void> {
  const deps = lifecycleDeps(env);
  const reminders = await runReminders(deps, scheduledTime);
  if (reminders.sent.length || reminders.skipped.length) console.log("calendar reminders", JSON.stringify(reminders));
  const refresh = await refreshDueCalendars(deps.db, scheduledTime);
  if (refresh.failed.length) console.log("calendar refresh failed", JSON.stringify(refresh.failed));
}
