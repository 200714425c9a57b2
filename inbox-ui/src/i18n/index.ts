// Language state (German first, English switchable; the choice is kept in localStorage) and the
// lookup functions every screen uses. Page areas may add their own tables via defineStrings().
import { computed, signal } from "@preact/signals";
import { de, type StringKey } from "./de";
import { en } from "./en";
import { applyPlurals } from "./plural";

export type Lang = "de" | "en";
export type { StringKey };
export type Params = Record<string, string | number>;

const STORAGE_KEY = "tw_lang";

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === "de" || v === "en") return v;
  } catch {
    /* storage blocked: fall back to German */
  }
  return "de";
}

export const lang = signal<Lang>(storedLang());
/** BCP 47 locale for Intl formatting of the current language. */
export const locale = computed(() => (lang.value === "de" ? "de-AT" : "en-GB"));

export function setLang(next: Lang): void {
  lang.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* not persisted; still switched for this page */
  }
  applyDocumentLang();
}

export function applyDocumentLang(): void {
  document.documentElement.lang = lang.value === "de" ? "de-AT" : "en";
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  // Counts first ("{n|# Person|# Personen}", Intl.PluralRules), then plain "{name}" values.
  return applyPlurals(template, params, locale.value).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const tables = { de, en } as const;

/** Looks up a string of the app in the current language; `{name}` placeholders are filled from params. */
export function t(key: StringKey, params?: Params): string {
  return interpolate(tables[lang.value][key], params);
}

/**
 * For a page area's own strings (e.g. `broadcasts/strings.ts`):
 * `export const tb = defineStrings({ de: {...}, en: {...} })`, then `tb("key", {n: 3})`.
 * English must have every German key (checked by the type).
 */
export function defineStrings<K extends string>(table: { de: Record<K, string>; en: Record<K, string> }) {
  return (key: K, params?: Params): string => interpolate(table[lang.value][key], params);
}
