// Calendar days and wall-clock times in Vienna: the day an event belongs to, the reminder time
// (counted on the wall clock, so "6 hours before midnight" is 18:00 in summer and in winter), and
// the German date citizens read ("Dienstag, 2. Dezember").
import { Temporal } from "temporal-polyfill";
import { TIME_ZONE } from "../broadcasts/vienna-time";

export { TIME_ZONE };

const WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];
/** Austrian month names (Jänner, as Austrian towns write it). */
const MONTHS = ["Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Is this an IANA zone name the runtime knows (Intl/Temporal)? */
export function knownTimeZone(tzid: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(tzid);
    return true;
  } catch {
    return false;
  }
}

/** The instant of a wall-clock time in a zone; a time in the spring gap moves forward, as calendars do. */
export function wallClockToEpoch(w: WallClock, timeZone: string): number {
  return Temporal.ZonedDateTime.from({ timeZone, ...w }, { disambiguation: "compatible" }).epochMilliseconds;
}

/** "2026-12-02": the Vienna calendar day of an instant. */
export function viennaDay(epochMs: number): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(TIME_ZONE).toPlainDate().toString();
}

/** Midnight (start) of a Vienna day, as an instant. */
export function viennaMidnight(day: string): number {
  return Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: TIME_ZONE }).epochMilliseconds;
}

/**
 * When to remind: `leadMinutes` before the start, counted on the Vienna wall clock. A reminder
 * 6 hours before an all-day collection is 18:00 the evening before on both sides of a DST change.
 */
export function remindAtFor(startEpochMs: number, leadMinutes: number): number {
  const wall = Temporal.Instant.fromEpochMilliseconds(startEpochMs).toZonedDateTimeISO(TIME_ZONE).toPlainDateTime();
  return wall.subtract({ minutes: leadMinutes }).toZonedDateTime(TIME_ZONE, { disambiguation: "compatible" }).epochMilliseconds;
}

/** "Dienstag, 2. Dezember" for a Vienna day "2026-12-02". */
export function germanDate(day: string): string {
  const d = Temporal.PlainDate.from(day);
  return `${WEEKDAYS[d.dayOfWeek - 1]}, ${d.day}. ${MONTHS[d.month - 1]}`;
}

/** "18:30" Vienna time of an instant. */
export function viennaTime(epochMs: number): string {
  const t = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(TIME_ZONE);
  return `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
}

/** The Vienna day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  return Temporal.PlainDate.from(day).add({ days: n }).toString();
}

/** Monday of the week after the one containing `day`. */
export function nextMonday(day: string): string {
  const d = Temporal.PlainDate.from(day);
  return d.add({ days: 8 - d.dayOfWeek }).toString();
}
