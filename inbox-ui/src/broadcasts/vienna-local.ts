// Shows the editor's Vienna wall-clock value ("2027-03-28T09:00") as "28.03.2027, 09:00" without
// converting it: it already is Vienna time, whatever the browser's zone.
import { lang } from "../i18n";

export function formatLocalDateTime(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const [, y, mo, d, h, mi] = m;
  return lang.value === "de" ? `${d}.${mo}.${y}, ${h}:${mi}` : `${d}/${mo}/${y}, ${h}:${mi}`;
}

/** Now as a Vienna wall-clock value "YYYY-MM-DDTHH:MM" (comparable as text with the editor's value). */
export function viennaNowLocal(now = Date.now()): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Vienna",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

/**
 * Why a planned send time cannot be used, before anything is saved: none given (or only half of it:
 * the browser reports an incomplete date as empty), or not in the future.
 */
export function sendAtProblem(local: string, nowLocal: string): "missing" | "past" | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return "missing";
  return local.slice(0, 16) <= nowLocal ? "past" : null;
}
