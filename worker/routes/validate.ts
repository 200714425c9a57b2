// zod at the HTTP edge: parse a JSON body, query or params, or answer 400 with what is wrong.
import type { Context } from "hono";
import { z } from "zod";
import { de } from "zod/locales";
import { MAX_SEARCH_CHARS } from "../db/search";
import { AppError } from "../shared/errors";

// Messages staff read in the app: German, unless a schema names its own.
const german = de().localeError;

/** Free-text search of a list (`?q=`): bounded, so the query stays small. */
export const searchText = z.string().max(MAX_SEARCH_CHARS, `Der Suchbegriff darf höchstens ${MAX_SEARCH_CHARS} Zeichen lang sein`);

function fail(error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  return new AppError(400, "bad_request", first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "Ungültige Eingabe", {
    issues,
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value, { error: german });
  if (!parsed.success) throw fail(parsed.error);
  return parsed.data;
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError(400, "invalid_json", "Der Inhalt ist kein gültiges JSON");
  }
  return parseWith(schema, body);
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}
