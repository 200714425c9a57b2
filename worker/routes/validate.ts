// zod at the HTTP edge: parse a JSON body, query or params, or answer 400 with what is wrong.
import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../shared/errors";

function fail(error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  return new AppError(400, "bad_request", first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "Ungültige Eingabe", {
    issues,
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
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
