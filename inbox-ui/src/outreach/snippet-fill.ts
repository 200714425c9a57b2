// Filling a Textbaustein's placeholders when it is inserted into a reply.
import { locale } from "../i18n";

export type { SnippetView as Snippet } from "../../../worker/outreach/snippets";
import type { SnippetView as Snippet } from "../../../worker/outreach/snippets";

export interface FillContext {
  citizenName: string | null;
  staffName: string;
  now: number;
}

/** {{name}}, {{datum}}, {{sachbearbeiter}} (any case, spaces allowed); an unknown name stays as written. */
export function fillSnippet(body: string, ctx: FillContext): string {
  const date = new Intl.DateTimeFormat(locale.value, { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Vienna" }).format(ctx.now);
  const values: Record<string, string> = { name: ctx.citizenName?.trim() ?? "", datum: date, sachbearbeiter: ctx.staffName };
  return body.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name.toLowerCase()] ?? whole).replace(/ {2,}/g, " ");
}

/** Matches title or text, case- and accent-insensitive ("offnung" finds "Öffnungszeiten"). */
export function matchesSnippet(s: Pick<Snippet, "title" | "body">, query: string): boolean {
  const fold = (x: string) => x.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const q = fold(query.trim());
  return !q || fold(s.title).includes(q) || fold(s.body).includes(q);
}
