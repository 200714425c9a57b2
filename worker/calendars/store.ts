// Channel calendars in D1: set up (parse, expand, store the occurrences), read, remove, and the
// daily refresh (a URL calendar is fetched again; every calendar's horizon moves on a day).
import { and, asc, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import { checkTemplateRef } from "../templates/store";
import { getChannel } from "../citizens/channels";
import { batchSql, type Db } from "../db/client";
import { calendarEvents, calendarReminders, channelCalendars, channels } from "../db/schema";
import { RuleViolation, notFound, DomainError } from "../shared/errors";
import { fetchIcs, type Fetcher } from "./fetch-ics";
import { expandIcs, type CalendarOccurrence } from "./ics";
import type { CalendarView, PutCalendarInput } from "./schemas";
import { germanDate, remindAtFor, viennaDay, viennaMidnight } from "./vienna-dates";

/** Occurrences are kept for about 13 months ahead and at most this many per calendar. */
export const HORIZON_MS = 400 * 86_400_000;
export const MAX_OCCURRENCES = 2000;
/** Rows per INSERT: keeps each statement's JSON parameter small. */
const INSERT_CHUNK = 200;

export type CalendarRow = typeof channelCalendars.$inferSelect;

/** From the start of today (Vienna) for about 13 months. */
export function expandFor(ics: string, now: number): CalendarOccurrence[] {
  return expandIcs(ics, { from: viennaMidnight(viennaDay(now)), until: now + HORIZON_MS, max: MAX_OCCURRENCES });
}

/** Replaces a channel's occurrences in one statement batch (all or nothing). */
function replaceEventsStatements(channelId: string, occurrences: CalendarOccurrence[], leadMinutes: number, guard: SQL = sql`1`): SQL[] {
  const out: SQL[] = [sql`DELETE FROM calendar_events WHERE channel_id = ${channelId} AND ${guard}`];
  for (let i = 0; i < occurrences.length; i += INSERT_CHUNK) {
    const rows = occurrences.slice(i, i + INSERT_CHUNK).map((o) => ({
      u: o.uid,
      s: o.start,
      a: o.allDay ? 1 : 0,
      d: o.day,
      r: remindAtFor(o.start, leadMinutes),
      t: o.summary,
      l: o.location,
      x: o.description,
    }));
    out.push(sql`INSERT INTO calendar_events (channel_id, uid, start, all_day, day, remind_at, summary, location, description)
      SELECT ${channelId}, value ->> '$.u', value ->> '$.s', value ->> '$.a', value ->> '$.d', value ->> '$.r',
             value ->> '$.t', value ->> '$.l', value ->> '$.x'
      FROM json_each(${JSON.stringify(rows)}) WHERE ${guard}
      ON CONFLICT DO NOTHING`);
  }
  return out;
}

/** The reminder template must exist, be approved and take exactly {{1}} (what) and {{2}} (date). */
async function checkReminderTemplate(db: Db, input: PutCalendarInput): Promise<void> {
  if (!input.template) {
    if (input.kind === "waste") {
      throw new RuleViolation("template_required", "Für Erinnerungen braucht es eine genehmigte Vorlage mit zwei Platzhaltern: {{1}} was abgeholt wird, {{2}} das Datum. Bitte eine solche Vorlage wählen.");
    }
    return;
  }
  await checkTemplateRef(db, { ...input.template, parameters: ["Gelber Sack", "Dienstag, 2. Dezember"] });
}

/** PUT: sets up or replaces a channel's calendar. Invalid ICS → 422 with line and reason. */
export async function saveCalendar(db: Db, channelId: string, input: PutCalendarInput, o: { now?: number; fetcher?: Fetcher } = {}): Promise<void> {
  const now = o.now ?? Date.now();
  const channel = await getChannel(db, channelId);
  if (channel.archived) throw new RuleViolation("channel_archived", "Der Kanal ist archiviert. Bitte ihn zuerst wieder öffnen.");
  await checkReminderTemplate(db, input);
  const ics = input.url ? await fetchIcs(input.url, o.fetcher) : (input.ics ?? (await storedIcs(db, channelId)));
  const occurrences = expandFor(ics, now);
  // The calendar and its occurrences change together (one D1 batch: all or nothing).
  await batchSql(db, [
    sql`INSERT INTO channel_calendars (channel_id, kind, ics, url, lead_minutes, template_name, template_language,
          refreshed_at, attempted_at, error, error_at, created_at, updated_at)
        VALUES (${channelId}, ${input.kind}, ${ics}, ${input.url ?? null}, ${input.leadMinutes}, ${input.template?.name ?? null},
          ${input.template?.language ?? null}, ${now}, ${now}, NULL, NULL, ${now}, ${now})
        ON CONFLICT (channel_id) DO UPDATE SET kind = excluded.kind, ics = excluded.ics, url = excluded.url,
          lead_minutes = excluded.lead_minutes, template_name = excluded.template_name, template_language = excluded.template_language,
          refreshed_at = excluded.refreshed_at, attempted_at = excluded.attempted_at, error = NULL, error_at = NULL,
          updated_at = excluded.updated_at`,
    ...replaceEventsStatements(channelId, occurrences, input.leadMinutes),
  ]);
}

export interface CalendarSummary {
  channelId: string;
  channelName: string;
  kind: "waste" | "events";
  error: string | null;
}

/** Every channel calendar (for the broadcasts page's "draft from calendar" and the channel list). */
export async function listCalendars(db: Db): Promise<CalendarSummary[]> {
  return db
    .select({ channelId: channelCalendars.channelId, channelName: channels.name, kind: channelCalendars.kind, error: channelCalendars.error })
    .from(channelCalendars)
    .innerJoin(channels, eq(channels.id, channelCalendars.channelId))
    .orderBy(asc(channels.position), asc(channels.name))
    .all();
}

async function storedIcs(db: Db, channelId: string): Promise<string> {
  const row = await db.select({ ics: channelCalendars.ics, url: channelCalendars.url }).from(channelCalendars).where(eq(channelCalendars.channelId, channelId)).get();
  if (!row || row.url) throw new RuleViolation("ics_required", "Bitte die Kalenderdatei (ICS) hochladen oder einfügen, oder eine Adresse angeben.");
  return row.ics;
}

export async function getCalendarRow(db: Db, channelId: string): Promise<CalendarRow> {
  const row = await db.select().from(channelCalendars).where(eq(channelCalendars.channelId, channelId)).get();
  if (!row) throw notFound("Dieser Kanal hat keinen Kalender. Bitte zuerst einen Kalender anlegen.");
  return row;
}

/** DELETE: the calendar and its occurrences go; the record of reminders already sent stays. */
export async function deleteCalendar(db: Db, channelId: string): Promise<void> {
  await getCalendarRow(db, channelId);
  await batchSql(db, [
    sql`DELETE FROM calendar_events WHERE channel_id = ${channelId}`,
    sql`DELETE FROM channel_calendars WHERE channel_id = ${channelId}`,
  ]);
}

export async function calendarView(db: Db, channelId: string, now = Date.now()): Promise<CalendarView> {
  const row = await getCalendarRow(db, channelId);
  const events = await db
    .select()
    .from(calendarEvents)
    .where(and(eq(calendarEvents.channelId, channelId), gte(calendarEvents.start, viennaMidnight(viennaDay(now)))))
    .orderBy(asc(calendarEvents.start), asc(calendarEvents.summary))
    .limit(50)
    .all();
  const reminders = await db
    .select()
    .from(calendarReminders)
    .where(eq(calendarReminders.channelId, channelId))
    .orderBy(desc(calendarReminders.day))
    .limit(10)
    .all();
  const done = new Set(reminders.map((r) => r.day));
  const upcoming = events.filter((e) => !done.has(e.day) && e.remindAt >= now - 2 * 3_600_000);
  const firstDay = upcoming[0]?.day;
  const sameDay = upcoming.filter((e) => e.day === firstDay);
  return {
    channelId,
    kind: row.kind,
    url: row.url,
    leadMinutes: row.leadMinutes,
    template: row.templateName && row.templateLanguage ? { name: row.templateName, language: row.templateLanguage } : null,
    refreshedAt: row.refreshedAt,
    attemptedAt: row.attemptedAt,
    error: row.error,
    errorAt: row.errorAt,
    events: events.map((e) => ({
      summary: e.summary,
      location: e.location,
      start: e.start,
      allDay: e.allDay,
      day: e.day,
      dayLabel: germanDate(e.day),
      remindAt: e.remindAt,
    })),
    next: firstDay
      ? {
          summary: joinSummaries(sameDay.map((e) => e.summary)),
          start: sameDay[0]!.start,
          day: firstDay,
          dayLabel: germanDate(firstDay),
          remindAt: Math.min(...sameDay.map((e) => e.remindAt)),
        }
      : null,
    reminders: reminders.map((r) => ({ day: r.day, status: r.status, summary: r.summary, reason: r.reason, broadcastId: r.broadcastId, remindAt: r.remindAt })),
  };
}

/** "Gelber Sack, Altpapier": each summary once, in order. */
export function joinSummaries(summaries: string[]): string {
  return [...new Set(summaries)].join(", ").slice(0, 900);
}

export async function recordCalendarError(db: Db, channelId: string, message: string | null, now: number): Promise<void> {
  await db
    .update(channelCalendars)
    .set(message ? { error: message, errorAt: now } : { error: null, errorAt: null })
    .where(eq(channelCalendars.channelId, channelId));
}

/** Calendars not refreshed for a day: fetch (URL) or re-expand, a few per minute. Failures keep the old dates. */
export async function refreshDueCalendars(db: Db, now: number, fetcher?: Fetcher, limit = 5): Promise<{ refreshed: string[]; failed: string[] }> {
  const due = await db
    .select()
    .from(channelCalendars)
    .where(sql`${channelCalendars.attemptedAt} <= ${now - 86_400_000}`)
    .orderBy(asc(channelCalendars.attemptedAt))
    .limit(limit)
    .all();
  const refreshed: string[] = [];
  const failed: string[] = [];
  for (const row of due) {
    // Claim the attempt first, so an overlapping cron run does not fetch the same calendar again.
    const claimed = await db.run(sql`UPDATE channel_calendars SET attempted_at = ${now}
      WHERE channel_id = ${row.channelId} AND attempted_at = ${row.attemptedAt}`);
    if (claimed.meta.changes === 0) continue;
    try {
      const ics = row.url ? await fetchIcs(row.url, fetcher) : row.ics;
      const occurrences = expandFor(ics, now);
      const guard = sql`EXISTS (SELECT 1 FROM channel_calendars WHERE channel_id = ${row.channelId} AND attempted_at = ${now})`;
      await batchSql(db, [
        sql`UPDATE channel_calendars SET ics = ${ics}, refreshed_at = ${now}, error = NULL, error_at = NULL
          WHERE channel_id = ${row.channelId} AND attempted_at = ${now}`,
        ...replaceEventsStatements(row.channelId, occurrences, row.leadMinutes, guard),
      ]);
      refreshed.push(row.channelId);
    } catch (err) {
      const message = err instanceof DomainError ? err.message : "Unbekannter Fehler beim Aktualisieren";
      await recordCalendarError(db, row.channelId, `${message} (Stand ${germanDate(viennaDay(now))}; es gelten die zuletzt geladenen Termine)`, now);
      failed.push(row.channelId);
    }
  }
  return { refreshed, failed };
}
