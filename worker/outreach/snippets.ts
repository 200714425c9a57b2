// Textbausteine: shared answers with placeholders that the reply box fills when a clerk inserts one.
// Only known placeholders are accepted, so a typo ("{{nmae}}") never reaches a citizen unfilled.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { snippets, staff } from "../db/schema";
import { AppError, notFound } from "../shared/errors";
import { newId } from "../shared/ids";

export const SNIPPET_PLACEHOLDERS = ["name", "datum", "sachbearbeiter"] as const;
export const MAX_SNIPPET_TITLE = 80;
/** WhatsApp's limit for one text message. */
export const MAX_SNIPPET_BODY = 4096;

export interface SnippetView {
  id: string;
  title: string;
  body: string;
  updatedAt: number;
  updatedByName: string | null;
}

export interface SnippetInput {
  title: string;
  body: string;
}

/** Placeholders in a body that are not among the known ones. */
export function unknownPlaceholders(body: string): string[] {
  const names = [...body.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1] ?? "");
  return [...new Set(names.filter((n) => !(SNIPPET_PLACEHOLDERS as readonly string[]).includes(n.toLowerCase())))];
}

function check(input: SnippetInput): SnippetInput {
  const title = input.title.trim();
  const body = input.body.trim();
  if (!title) throw new AppError(400, "snippet_title_missing", "Bitte einen Titel für den Textbaustein eingeben.");
  if (!body) throw new AppError(400, "snippet_body_missing", "Bitte den Text des Textbausteins eingeben.");
  const unknown = unknownPlaceholders(body);
  if (unknown.length) {
    throw new AppError(
      400,
      "snippet_placeholder",
      `Unbekannter Platzhalter {{${unknown[0]}}}. Möglich sind {{name}}, {{datum}} und {{sachbearbeiter}}.`,
      { placeholders: unknown },
    );
  }
  return { title, body };
}

const columns = {
  id: snippets.id,
  title: snippets.title,
  body: snippets.body,
  updatedAt: snippets.updatedAt,
  updatedByName: staff.name,
};

export async function listSnippets(db: Db): Promise<SnippetView[]> {
  return db.select(columns).from(snippets).leftJoin(staff, eq(staff.id, snippets.updatedBy)).orderBy(asc(snippets.title)).all();
}

async function getSnippet(db: Db, id: string): Promise<SnippetView> {
  const row = await db.select(columns).from(snippets).leftJoin(staff, eq(staff.id, snippets.updatedBy)).where(eq(snippets.id, id)).get();
  if (!row) throw notFound("Diesen Textbaustein gibt es nicht (mehr). Bitte die Liste neu laden.");
  return row;
}

const duplicate = (title: string) =>
  new AppError(409, "snippet_duplicate", `Es gibt schon einen Textbaustein „${title}“. Bitte einen anderen Titel wählen.`);

/** Unique titles: checked case-insensitively before writing; the unique index catches a race. */
async function assertTitleFree(db: Db, title: string, exceptId?: string): Promise<void> {
  const rows = await db.select({ id: snippets.id, title: snippets.title }).from(snippets).all();
  if (rows.some((r) => r.id !== exceptId && r.title.toLowerCase() === title.toLowerCase())) throw duplicate(title);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed/.test(`${err.message} ${String(err.cause ?? "")}`);
}

export async function createSnippet(db: Db, staffId: string, input: SnippetInput, now = Date.now()): Promise<SnippetView> {
  const { title, body } = check(input);
  await assertTitleFree(db, title);
  const id = newId();
  try {
    await db.insert(snippets).values({ id, title, body, createdBy: staffId, updatedBy: staffId, createdAt: now, updatedAt: now });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(title);
    throw err;
  }
  return getSnippet(db, id);
}

export async function updateSnippet(db: Db, staffId: string, id: string, input: SnippetInput, now = Date.now()): Promise<SnippetView> {
  const { title, body } = check(input);
  await getSnippet(db, id);
  await assertTitleFree(db, title, id);
  try {
    await db.update(snippets).set({ title, body, updatedBy: staffId, updatedAt: now }).where(eq(snippets.id, id));
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(title);
    throw err;
  }
  return getSnippet(db, id);
}

export async function deleteSnippet(db: Db, id: string): Promise<void> {
  const row = await db.delete(snippets).where(eq(snippets.id, id)).returning({ id: snippets.id }).get();
  if (!row) throw notFound("Diesen Textbaustein gibt es nicht (mehr). Bitte die Liste neu laden.");
}
