// iCalendar → the dated occurrences of a channel calendar. ical.js (Mozilla's parser, pure JS, runs
// on Workers) parses and expands recurrences: RRULE, EXDATE, RDATE and moved single occurrences
// (RECURRENCE-ID). Wall-clock times become instants here: an IANA TZID (Europe/Vienna) through
// Temporal, a custom TZID through the file's VTIMEZONE, floating times and dates as Vienna time.
import ICAL from "ical.js";
import { checkDateValues, IcsError, locateParseError, logicalLines, unbalanced, type LogicalLine } from "./ics-lines";
import { knownTimeZone, TIME_ZONE, viennaDay, viennaMidnight, wallClockToEpoch } from "./vienna-dates";

export { IcsError } from "./ics-lines";

export interface CalendarOccurrence {
  uid: string;
  /** Epoch ms; for an all-day event, midnight Vienna time of its day. */
  start: number;
  allDay: boolean;
  /** Vienna calendar day "2026-12-02". */
  day: string;
  summary: string;
  location: string;
  description: string;
}

export interface ExpandOptions {
  /** Occurrences starting before this are left out (epoch ms). */
  from: number;
  /** …and from this on too. */
  until: number;
  /** At most this many occurrences (the earliest). */
  max: number;
}

/** Steps of one recurrence before giving up (a FREQ=MINUTELY rule from 1990 would never end). */
const MAX_STEPS = 20_000;

type Vtimezones = Map<string, ICAL.Timezone>;

function parseCalendar(ics: string, lines: LogicalLine[]): ICAL.Component {
  const first = lines[0];
  if (!first || first.text.trim().toUpperCase() !== "BEGIN:VCALENDAR") {
    throw new IcsError(first?.line ?? 1, "Die Datei beginnt nicht mit BEGIN:VCALENDAR – ist es eine iCalendar-Datei (.ics)?");
  }
  const open = unbalanced(lines);
  if (open) throw open;
  checkDateValues(lines);
  let jcal: unknown;
  try {
    jcal = ICAL.parse(ics);
  } catch (err) {
    throw locateParseError(lines, err);
  }
  const roots = Array.isArray(jcal) && typeof jcal[0] === "string" ? [jcal] : (jcal as unknown[]);
  return new ICAL.Component(roots[0] as unknown[]);
}

/** Parses and checks an ICS text; throws IcsError (422, with line and German reason) when it is not usable. */
export function expandIcs(ics: string, o: ExpandOptions): CalendarOccurrence[] {
  const lines = logicalLines(ics);
  const cal = parseCalendar(ics, lines);
  const veventLines = lines.filter((l) => /^BEGIN:VEVENT\s*$/i.test(l.text)).map((l) => l.line);
  const vevents = cal.getAllSubcomponents("vevent");
  if (vevents.length === 0) throw new IcsError(lines[0]!.line, "Der Kalender enthält keinen Termin (kein BEGIN:VEVENT)");

  const zones: Vtimezones = new Map();
  for (const vtz of cal.getAllSubcomponents("vtimezone")) {
    const tzid = vtz.getFirstPropertyValue("tzid");
    if (typeof tzid === "string") zones.set(tzid, new ICAL.Timezone(vtz));
  }

  const masters = new Map<string, ICAL.Event>();
  const exceptions: ICAL.Event[] = [];
  vevents.forEach((vevent, i) => {
    if (!vevent.hasProperty("dtstart")) throw new IcsError(veventLines[i] ?? 1, "Termin ohne Beginn (DTSTART fehlt)");
    const event = new ICAL.Event(vevent);
    const uid = event.uid || `line-${veventLines[i] ?? i}`;
    if (vevent.hasProperty("recurrence-id")) exceptions.push(event);
    else if (!masters.has(uid)) masters.set(uid, event);
  });
  const orphans: ICAL.Event[] = [];
  for (const ex of exceptions) {
    const master = masters.get(ex.uid);
    if (master) master.relateException(ex);
    else orphans.push(ex);
  }

  const out: CalendarOccurrence[] = [];
  const add = (item: ICAL.Event, time: ICAL.Time, uid: string) => {
    if (String(item.component.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED") return;
    const occ = toOccurrence(item, time, uid, zones);
    if (occ.start >= o.from && occ.start < o.until) out.push(occ);
  };
  for (const [uid, event] of masters) {
    if (!event.isRecurring()) {
      add(event, event.startDate, uid);
      continue;
    }
    const it = event.iterator();
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const next = it.next();
      if (!next) break;
      const details = event.getOccurrenceDetails(next);
      // Wall-clock comparison is enough to stop: a day of slack covers any offset.
      if (next.toUnixTime() * 1000 > o.until + 86_400_000 && details.startDate.toUnixTime() * 1000 > o.until + 86_400_000) break;
      add(details.item, details.startDate, uid);
    }
  }
  for (const ex of orphans) add(ex, ex.startDate, ex.uid);

  out.sort((a, b) => a.start - b.start || a.summary.localeCompare(b.summary, "de"));
  return dedupe(out).slice(0, o.max);
}

function toOccurrence(item: ICAL.Event, time: ICAL.Time, uid: string, zones: Vtimezones): CalendarOccurrence {
  const base = {
    uid,
    summary: clean(item.summary, 200) || "Termin",
    location: clean(item.location, 200),
    description: clean(item.description, 1000),
  };
  if (time.isDate) {
    const day = `${String(time.year).padStart(4, "0")}-${String(time.month).padStart(2, "0")}-${String(time.day).padStart(2, "0")}`;
    return { ...base, start: viennaMidnight(day), allDay: true, day };
  }
  const start = instantOf(item, time, zones);
  return { ...base, start, allDay: false, day: viennaDay(start) };
}

function instantOf(item: ICAL.Event, time: ICAL.Time, zones: Vtimezones): number {
  const wall = { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
  if (time.zone?.tzid === "UTC") return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const tzid = item.component.getFirstProperty("dtstart")?.getParameter("tzid");
  const name = typeof tzid === "string" ? tzid : null;
  if (name && knownTimeZone(name)) return wallClockToEpoch(wall, name);
  const vtz = name ? zones.get(name) : undefined;
  if (vtz) {
    // A zone only the file defines (e.g. Outlook's "W. Europe Standard Time"): its VTIMEZONE rules.
    const floating = ICAL.Time.fromData(wall);
    return (Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) / 1000 - vtz.utcOffset(floating)) * 1000;
  }
  // Floating time, or a zone nobody defines: the town's own time.
  return wallClockToEpoch(wall, TIME_ZONE);
}

function clean(value: unknown, max: number): string {
  return (typeof value === "string" ? value : "").replace(/\s+/g, " ").trim().slice(0, max);
}

/** The same event listed twice (a file exported with duplicates) counts once. */
function dedupe(list: CalendarOccurrence[]): CalendarOccurrence[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.uid}\u0000${e.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
