// Counts in texts: "{n|# Person|# Personen}" picks the form for n by Intl.PluralRules and writes n
// with Intl.NumberFormat ("1 Person", "1.234 Personen"; "1 person", "1,234 people"). Plain "{n}" stays
// as it is. Pure (the locale is passed in), so it is tested without a browser.

const PLURAL = /\{(\w+)\|([^|{}]*)\|([^{}]*)\}/g;

const rulesCache = new Map<string, Intl.PluralRules>();
const numberCache = new Map<string, Intl.NumberFormat>();

function rules(locale: string): Intl.PluralRules {
  let r = rulesCache.get(locale);
  if (!r) rulesCache.set(locale, (r = new Intl.PluralRules(locale)));
  return r;
}

function numbers(locale: string): Intl.NumberFormat {
  let f = numberCache.get(locale);
  if (!f) numberCache.set(locale, (f = new Intl.NumberFormat(locale)));
  return f;
}

/**
 * Fills the plural forms of `template`. A number parameter is formatted for the locale; a string
 * parameter (already formatted by the caller) is written as given and counts as singular only when
 * it is exactly "1".
 */
export function applyPlurals(template: string, params: Record<string, string | number> | undefined, locale: string): string {
  if (!params) return template;
  return template.replace(PLURAL, (whole, name: string, one: string, other: string) => {
    if (!(name in params)) return whole;
    const value = params[name] ?? "";
    let singular: boolean;
    let shown: string;
    if (typeof value === "number") {
      singular = rules(locale).select(value) === "one";
      shown = numbers(locale).format(value);
    } else {
      singular = value.trim() === "1";
      shown = value;
    }
    return (singular ? one : other).replace(/#/g, shown);
  });
}

/** "1 Person" / "3 Personen": a count with its noun, for places that build the text themselves. */
export function countOf(n: number, one: string, other: string, locale: string): string {
  return applyPlurals(`{n|${one}|${other}}`, { n }, locale);
}
