// Shows the editor's Vienna wall-clock value ("2027-03-28T09:00") as "28.03.2027, 09:00" without
// converting it: it already is Vienna time, whatever the browser's zone.
import { lang } from "../i18n";

export function formatLocalDateTime(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const [, y, mo, d, h, mi] = m;
  return lang.value === "de" ? `${d}.${mo}.${y}, ${h}:${mi}` : `${d}/${mo}/${y}, ${h}:${mi}`;
}
