// The one way the staff app writes a phone number: "+43 664 1234567" (country code, area or mobile
// code, subscriber number). Every screen uses formatPhone, so a number looks the same everywhere.

/** Country codes of the numbers a town hall in Austria meets most; others show as "+<cc?> <rest>". */
const COUNTRY_CODES = ["43", "49", "41", "39", "36", "386", "420", "421", "385", "381", "387", "48", "40", "90", "44", "33", "31", "1"];

/** Austrian area codes of three digits (Graz, Klagenfurt, Innsbruck, Salzburg, Linz, …); Vienna is "1". */
const AT_AREA_3 = new Set(["316", "463", "512", "662", "732"]);

function areaLength(country: string, rest: string): number {
  if (country === "43") {
    if (rest.startsWith("1")) return 1; // Wien
    if (/^6[5-9]\d/.test(rest)) return 3; // mobile: 650, 660, 664, 676, 680, 681, 688, 699 …
    if (AT_AREA_3.has(rest.slice(0, 3))) return 3;
    return 4; // other Austrian towns: 2742 St. Pölten, 5572 Dornbirn, …
  }
  if (country === "49" && /^1[5-7]\d/.test(rest)) return 3; // German mobile 15x–17x
  return 3;
}

/**
 * "436641234567" → "+43 664 1234567", "4312345678" → "+43 1 2345678". Accepts what staff type
 * ("+43 664/123 45 67", "0043…"); anything that is not a plausible number is returned unchanged.
 */
export function formatPhone(input: string): string {
  let digits = input.replace(/[^\d]/g, "");
  if (digits.startsWith("00")) digits = digits.slice(2);
  if (digits.length < 6 || digits.length > 15) return input.trim();
  const country = [...COUNTRY_CODES].sort((a, b) => b.length - a.length).find((cc) => digits.startsWith(cc));
  if (!country) return `+${digits}`;
  const rest = digits.slice(country.length);
  const area = areaLength(country, rest);
  if (rest.length <= area + 2) return `+${country} ${rest}`;
  return `+${country} ${rest.slice(0, area)} ${rest.slice(area)}`;
}
