// "Neuer Entwurf aus dem Kalender": next week's events of an events calendar as a newsletter
// DRAFT for its channel. Only a draft: a person edits and sends it.
import { and, asc, gte, lt, eq } from "drizzle-orm";
import { createBroadcast, type BroadcastRow } from "../broadcasts/compose";
import { TEXT_MAX } from "../broadcasts/schemas";
import type { Db } from "../db/client";
import { calendarEvents } from "../db/schema";
import { RuleViolation } from "../shared/errors";
import { getCalendarRow } from "./store";
import { addDays, germanDate, nextMonday, viennaDay, viennaMidnight, viennaTime } from "./vienna-dates";

/** "7. Dezember" from "Montag, 7. Dezember". */
const dayMonth = (day: string) => germanDate(day).split(", ")[1] ?? day;

export async function draftFromCalendar(db: Db, channelId: string, staffId: string | null, now = Date.now()): Promise<BroadcastRow> {
  const calendar = await getCalendarRow(db, channelId);
  if (calendar.kind !== "events") {
    throw new RuleViolation("not_an_events_calendar", "Entwürfe entstehen nur aus einem Veranstaltungskalender. Bitte beim Kalender die Art „Veranstaltungen“ wählen.");
  }
  const monday = nextMonday(viennaDay(now));
  const sunday = addDays(monday, 6);
  const events = await db
    .select()
    .from(calendarEvents)
    .where(
      and(
        eq(calendarEvents.channelId, channelId),
        gte(calendarEvents.start, viennaMidnight(monday)),
        lt(calendarEvents.start, viennaMidnight(addDays(monday, 7))),
      ),
    )
    .orderBy(asc(calendarEvents.start), asc(calendarEvents.summary))
    .all();
  if (events.length === 0) {
    throw new RuleViolation("no_events_next_week", `Von ${dayMonth(monday)} bis ${dayMonth(sunday)} stehen keine Veranstaltungen im Kalender. Bitte zuerst Termine eintragen.`);
  }
  const header = `*Veranstaltungen von ${dayMonth(monday)} bis ${dayMonth(sunday)}*`;
  const blocks: string[] = [];
  let day = "";
  for (const e of events) {
    if (e.day !== day) {
      day = e.day;
      blocks.push(`\n*${germanDate(day)}*`);
    }
    const time = e.allDay ? "ganztägig" : `${viennaTime(e.start)} Uhr`;
    blocks.push(`• ${time}: ${e.summary}${e.location ? ` – ${e.location}` : ""}`);
  }
  let text = [header, ...blocks].join("\n");
  if (text.length > TEXT_MAX) {
    const more = " … weitere Termine im Veranstaltungskalender";
    text = `${text.slice(0, TEXT_MAX - more.length).replace(/\n[^\n]*$/, "")}\n${more.trim()}`;
  }
  return createBroadcast(
    db,
    { title: `Veranstaltungen ${dayMonth(monday)} – ${dayMonth(sunday)}`, kind: "newsletter", text, channelIds: [channelId], sendAt: null, mediaId: null, template: null },
    staffId,
    now,
  );
}
