// Where an iCalendar file goes wrong: the library (ical.js) parses, this module only finds the line
// and says why in German, because ical.js reports neither line numbers nor German reasons.
import ICAL from "ical.js";
import { RuleViolation } from "../shared/errors";

export interface LogicalLine {
  /** 1-based number of the line in the file where this (possibly folded) line starts. */
  line: number;
  text: string;
}

/** Unfolds continuation lines (RFC 5545 §3.1: a line starting with a space or tab continues the previous one). */
export function logicalLines(ics: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  ics.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const last = out[out.length - 1];
    if ((raw.startsWith(" ") || raw.startsWith("\t")) && last) last.text += raw.slice(1);
    else if (raw.trim() !== "") out.push({ line: i + 1, text: raw });
  });
  return out;
}

export class IcsError extends RuleViolation {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super("invalid_ics", `Zeile ${line}: ${reason}`, { line, reason });
  }
}

function germanReason(message: string): string {
  if (message.includes('no token ";" or ":"')) return "Doppelpunkt fehlt – erwartet wird NAME:WERT (z. B. SUMMARY:Restmüll)";
  if (message.includes("double quote")) return "Anführungszeichen wird nicht geschlossen";
  if (/parameter/i.test(message)) return "Ungültiger Parameter vor dem Doppelpunkt (erwartet NAME;PARAM=WERT:…)";
  return `Zeile ist kein gültiges iCalendar (${message})`;
}

/** After ical.js refused the file: the first line it cannot read, or the component left open. */
export function locateParseError(lines: LogicalLine[], err: unknown): IcsError {
  const message = err instanceof Error ? err.message : String(err);
  for (const l of lines) {
    if (/^(BEGIN|END):/i.test(l.text)) continue; // not properties; balance is checked below
    try {
      ICAL.parse.property(l.text);
    } catch (e) {
      return new IcsError(l.line, germanReason(e instanceof Error ? e.message : String(e)));
    }
  }
  const open = unbalanced(lines);
  if (open) return open;
  return new IcsError(1, germanReason(message));
}

/** BEGIN/END pairs: the first END that closes the wrong thing, or the BEGIN never closed. */
export function unbalanced(lines: LogicalLine[]): IcsError | null {
  const stack: { name: string; line: number }[] = [];
  for (const l of lines) {
    const m = /^(BEGIN|END):(.*)$/i.exec(l.text.trim());
    if (!m) continue;
    const name = m[2]!.trim().toUpperCase();
    if (m[1]!.toUpperCase() === "BEGIN") stack.push({ name, line: l.line });
    else {
      const top = stack.pop();
      if (!top) return new IcsError(l.line, `END:${name} ohne passendes BEGIN:${name}`);
      if (top.name !== name) return new IcsError(l.line, `END:${name} schließt BEGIN:${top.name} aus Zeile ${top.line} – END:${top.name} fehlt`);
    }
  }
  const open = stack.pop();
  return open ? new IcsError(open.line, `BEGIN:${open.name} wird nie mit END:${open.name} geschlossen`) : null;
}

const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(T(\d{2})(\d{2})(\d{2})Z?)?$/;

/** Checks every DTSTART/DTEND/EXDATE/RDATE/RECURRENCE-ID value; ical.js would silently accept "20261345". */
export function checkDateValues(lines: LogicalLine[]): void {
  for (const l of lines) {
    const m = /^(DTSTART|DTEND|EXDATE|RDATE|RECURRENCE-ID)([;:])/i.exec(l.text);
    if (!m) continue;
    const name = m[1]!.toUpperCase();
    const value = l.text.slice(l.text.indexOf(":", m[0].length - 1) + 1).trim();
    if (/VALUE=PERIOD/i.test(l.text.slice(0, l.text.length - value.length))) continue;
    for (const v of value.split(",")) {
      const d = DATE_VALUE.exec(v.trim());
      const ok =
        d &&
        validDate(Number(d[1]), Number(d[2]), Number(d[3])) &&
        (!d[4] || (Number(d[5]) < 24 && Number(d[6]) < 60 && Number(d[7]) < 61));
      if (!ok) {
        throw new IcsError(l.line, `${name}: „${v.trim()}“ ist kein gültiges Datum (erwartet JJJJMMTT oder JJJJMMTTTHHMMSS, z. B. 20261202 oder 20261202T060000)`);
      }
    }
  }
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
