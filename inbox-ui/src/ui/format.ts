// Date and number formatting for the UI: always in Europe/Vienna, in the current language.
import { locale } from "../i18n";

export const TIME_ZONE = "Europe/Vienna";

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale.value}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale.value, { timeZone: TIME_ZONE, ...options });
    cache.set(key, f);
  }
  return f;
}

/** "12.03.2026, 14:05" */
export function formatDateTime(ms: number): string {
  return dtf({ dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** "12.03.2026" */
export function formatDate(ms: number): string {
  return dtf({ dateStyle: "medium" }).format(ms);
}

/** "14:05" */
export function formatTime(ms: number): string {
  return dtf({ hour: "2-digit", minute: "2-digit" }).format(ms);
}

/** Calendar day in Vienna as YYYY-MM-DD (for grouping and comparing days). */
export function viennaDay(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** For lists: the time today, the weekday within the last week, otherwise the date. */
export function formatListTime(ms: number, now = Date.now()): string {
  if (viennaDay(ms) === viennaDay(now)) return formatTime(ms);
  if (now - ms < 6 * 86_400_000) return dtf({ weekday: "short" }).format(ms);
  return dtf({ day: "2-digit", month: "2-digit", year: "2-digit" }).format(ms);
}

/** Heading of a day in a message history: "Donnerstag, 12. März 2026". */
export function formatDayHeading(ms: number): string {
  return dtf({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(ms);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale.value).format(n);
}

/** "48.20849, 16.37208": 5 decimals (about 1 m), with a dot in every language so it can be pasted into a map. */
export function formatCoordinates(latitude: number, longitude: number): string {
  return `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
}

export function openStreetMapUrl(latitude: number, longitude: number, zoom = 18): string {
  const lat = latitude.toFixed(6);
  const lon = longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=${zoom}/${lat}/${lon}`;
}
