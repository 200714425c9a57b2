// Parsing real ICS files with ical.js in the Workers runtime: recurrences, holiday shifts, time
// zones across DST, and the 422 with line and reason for a broken file.
import { describe, expect, it } from "vitest";
import { expandIcs, IcsError, type CalendarOccurrence } from "../worker/calendars/ics";
import { germanDate, remindAtFor } from "../worker/calendars/vienna-dates";
import broken from "./fixtures/calendars/broken.ics?raw";
import dst from "./fixtures/calendars/dst-weekend.ics?raw";
import events from "./fixtures/calendars/events.ics?raw";
import zone2 from "./fixtures/calendars/waste-zone2.ics?raw";

const FROM = Date.UTC(2026, 10, 29); // 29 Nov 2026
const range = { from: FROM, until: Date.UTC(2027, 11, 31), max: 2000 };
const days = (list: CalendarOccurrence[], summary: string) => list.filter((o) => o.summary.startsWith(summary)).map((o) => o.day);
const iso = (ms: number) => new Date(ms).toISOString();

function errorOf(fn: () => unknown): IcsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IcsError) return err;
    throw err;
  }
  throw new Error("no error");
}

describe("waste collection calendar (Zone 2)", () => {
  const list = expandIcs(zone2, range);

  it("expands a four-weekly collection", () => {
    expect(days(list, "Gelber Sack").slice(0, 4)).toEqual(["2026-12-01", "2026-12-29", "2027-01-26", "2027-02-23"]);
    // COUNT ends a series.
    expect(days(list, "Altpapier")).toHaveLength(13);
  });

  it("weekly collection with a holiday shift: EXDATE removes 6 January, RDATE adds 7 January", () => {
    const bio = days(list, "Biotonne");
    expect(bio.slice(0, 7)).toEqual(["2026-12-02", "2026-12-09", "2026-12-16", "2026-12-23", "2026-12-30", "2027-01-07", "2027-01-13"]);
    expect(bio).not.toContain("2027-01-06");
  });

  it("a moved single occurrence (RECURRENCE-ID) replaces the original date", () => {
    const rest = list.filter((o) => o.summary.startsWith("Restmüll"));
    expect(rest.slice(0, 3).map((o) => [o.day, o.summary])).toEqual([
      ["2026-12-11", "Restmüll"],
      ["2026-12-28", "Restmüll (Ersatztermin für Christtag)"],
      ["2027-01-08", "Restmüll"],
    ]);
  });

  it("all-day events start at midnight Vienna time and are sorted", () => {
    const first = list[0]!;
    expect(first).toMatchObject({ day: "2026-12-01", allDay: true, summary: "Altpapier" });
    expect(iso(first.start)).toBe("2026-11-30T23:00:00.000Z");
    expect(list.map((o) => o.start)).toEqual([...list.map((o) => o.start)].sort((a, b) => a - b));
  });

  it("keeps nothing before `from` and at most `max`", () => {
    expect(expandIcs(zone2, { ...range, from: Date.UTC(2027, 0, 1) }).every((o) => o.day >= "2027-01-01")).toBe(true);
    expect(expandIcs(zone2, { ...range, max: 5 })).toHaveLength(5);
  });
});

describe("time zones and the DST weekend", () => {
  const list = expandIcs(dst, { from: Date.UTC(2027, 0, 1), until: Date.UTC(2028, 0, 1), max: 100 });

  it("TZID=Europe/Vienna without VTIMEZONE: 07:00 stays 07:00 on the wall clock across the change", () => {
    const times = list.filter((o) => o.summary === "Problemstoffsammlung").map((o) => iso(o.start));
    expect(times).toEqual(["2027-03-20T06:00:00.000Z", "2027-03-27T06:00:00.000Z", "2027-04-03T05:00:00.000Z"]);
  });

  it("a reminder 6 hours before an all-day collection is 18:00 the evening before, in spring and in autumn", () => {
    const spring = list.find((o) => o.day === "2027-03-29")!;
    // Sunday 28 March 2027 18:00 CEST (+02:00): the night before, the clocks went forward.
    expect(iso(remindAtFor(spring.start, 360))).toBe("2027-03-28T16:00:00.000Z");
    const autumn = list.find((o) => o.day === "2027-10-25")!;
    // Sunday 24 October 2027 is still summer time; clocks go back on 31 October. Then Monday 1 Nov:
    expect(iso(remindAtFor(autumn.start, 360))).toBe("2027-10-24T16:00:00.000Z");
    // A lead that spans the night of the change is counted on the wall clock: 24 h before Monday 29 March 00:00 is Sunday 00:00 (+01:00).
    expect(iso(remindAtFor(spring.start, 24 * 60))).toBe("2027-03-27T23:00:00.000Z");
  });

  it("UTC times and events without a zone", () => {
    const ev = expandIcs(events, range);
    expect(iso(ev.find((o) => o.summary === "Gemeinderatssitzung")!.start)).toBe("2026-12-16T18:00:00.000Z");
    expect(iso(ev.find((o) => o.summary === "Adventkonzert der Musikschule")!.start)).toBe("2026-12-07T18:00:00.000Z");
    expect(ev.find((o) => o.summary === "Adventkonzert der Musikschule")!.location).toBe("Pfarrkirche Musterdorf");
    // UNTIL ends the Saturday market after 19 December.
    expect(days(ev, "Adventmarkt")).toEqual(["2026-12-05", "2026-12-12", "2026-12-19"]);
  });

  it("Outlook-style zone names resolve through the file's VTIMEZONE", () => {
    const outlook = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0//EN",
      "BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time",
      "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
      "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
      "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:o1", "DTSTART;TZID=W. Europe Standard Time:20270701T090000", "SUMMARY:Sommerfest", "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    expect(iso(expandIcs(outlook, range)[0]!.start)).toBe("2027-07-01T07:00:00.000Z");
  });
});

describe("broken files: 422 with the line and a German reason", () => {
  it("a line without a colon", () => {
    const err = errorOf(() => expandIcs(broken, range));
    expect(err.kind).toBe("rule_violation");
    expect(err.line).toBe(7);
    expect(err.message).toMatch(/^Zeile 7: Doppelpunkt fehlt/);
  });

  it("a component that is never closed", () => {
    const text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:x\r\nEND:VCALENDAR\r\n";
    const err = errorOf(() => expandIcs(text, range));
    expect(err.line).toBe(6);
    expect(err.reason).toContain("END:VEVENT fehlt");
  });

  it("an impossible date, an event without DTSTART, no events, not an ICS at all", () => {
    const wrap = (body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${body}END:VCALENDAR\r\n`;
    expect(errorOf(() => expandIcs(wrap("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261345\r\nEND:VEVENT\r\n"), range)).message).toMatch(/^Zeile 4: DTSTART: „20261345“ ist kein gültiges Datum/);
    expect(errorOf(() => expandIcs(wrap("BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n"), range)).message).toBe("Zeile 3: Termin ohne Beginn (DTSTART fehlt)");
    expect(errorOf(() => expandIcs(wrap(""), range)).reason).toContain("keinen Termin");
    expect(errorOf(() => expandIcs("<html>Not found</html>", range)).message).toMatch(/^Zeile 1: Die Datei beginnt nicht mit BEGIN:VCALENDAR/);
  });

  it("folded lines keep the number of the line they start on", () => {
    const text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-LONG:aaa\r\n bbb\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nBAD LINE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    expect(errorOf(() => expandIcs(text, range)).line).toBe(7);
  });
});

describe("German dates", () => {
  it("weekday, day and Austrian month names", () => {
    expect(germanDate("2025-12-02")).toBe("Dienstag, 2. Dezember");
    expect(germanDate("2027-01-07")).toBe("Donnerstag, 7. Jänner");
    expect(germanDate("2027-03-28")).toBe("Sonntag, 28. März");
  });
});
