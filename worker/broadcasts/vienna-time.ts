// Broadcast times: staff think in Vienna wall-clock time, storage is epoch ms (UTC).
// Temporal (polyfill) does the time-zone arithmetic, including the two DST changes a year.
import { Temporal } from "temporal-polyfill";

export const TIME_ZONE = "Europe/Vienna";

/** Send times end with the year 9999 (ISO's four digits; Temporal refuses instants past ±8.64e15 ms). */
export const SEND_AT_LIMIT = Date.UTC(10_000, 0, 1);

export type ViennaTimeResult =
  | { ok: true; epochMs: number }
  | { ok: false; reason: "invalid" | "nonexistent" };

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads a send time. A local ISO time without offset ("2027-03-28T09:00") is Vienna wall-clock
 * time; a time with "Z" or an offset is taken as the instant it names.
 *
 * Around the DST changes: a wall-clock time that happens twice (last Sunday of October,
 * 02:00–02:59) means its first occurrence (still summer time, +02:00); one that does not exist
 * (last Sunday of March, 02:00–02:59) is refused, so nobody's alert silently moves by an hour.
 */
export function parseSendAt(input: string): ViennaTimeResult {
  const s = input.trim();
  try {
    if (ABSOLUTE.test(s)) return { ok: true, epochMs: Temporal.Instant.from(s).epochMilliseconds };
    if (!LOCAL.test(s)) return { ok: false, reason: "invalid" };
    const wall = Temporal.PlainDateTime.from(s, { overflow: "reject" });
    const earlier = wall.toZonedDateTime(TIME_ZONE, { disambiguation: "earlier" });
    // In a gap, "earlier" moves the wall clock back an hour: the time does not exist.
    if (Temporal.PlainDateTime.compare(earlier.toPlainDateTime(), wall) !== 0) return { ok: false, reason: "nonexistent" };
    return { ok: true, epochMs: earlier.epochMilliseconds };
  } catch {
    return { ok: false, reason: "invalid" };
  }
}

/** "2027-03-28T09:00" in Vienna for an instant (what the editor's time field shows). */
export function toViennaLocal(epochMs: number): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs)
    .toZonedDateTimeISO(TIME_ZONE)
    .toPlainDateTime()
    .toString({ smallestUnit: "minute" });
}

/** UTC offset in Vienna at that instant, e.g. "+01:00" or "+02:00". */
export function viennaOffset(epochMs: number): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(TIME_ZONE).offset;
}
