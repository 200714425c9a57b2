// zod at the HTTP edge, through @hono/zod-validator: `valid("json", schema)` before a handler, then
// `c.req.valid("json")` is typed. One hook turns every failure into 400
// {error:{code:"bad_request", message:<German sentence>, details:{target, issues}}}.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { MAX_SEARCH_CHARS } from "../db/search";
import { InvalidInput } from "../shared/errors";
import { asSentence, germanIssue } from "./zod-german";

/** Free-text search of a list (`?q=`): bounded, so the query stays small. */
export const searchText = z.string().max(MAX_SEARCH_CHARS, `Der Suchbegriff ist zu lang: höchstens ${MAX_SEARCH_CHARS} Zeichen.`);

/** Machine-readable issues for `details` (paths stay here, out of the message). */
export interface IssueDetail {
  path: string;
  code: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** A union that matched no option speaks through the option that came closest (fewest problems). */
function closest(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
  if (best.length === 0) return [issue];
  return best.flatMap((inner) => closest({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** The one place a zod failure becomes an error the clerk can read (the code `bad_request` is what clients and tests know). */
export function invalidInput(error: { issues: readonly z.core.$ZodIssue[] }, target: keyof ValidationTargets): InvalidInput {
  const issues: IssueDetail[] = error.issues.flatMap(closest).map((i) => ({ path: i.path.map(String).join("."), code: i.code, message: asSentence(i.message) }));
  const first = issues[0]?.message ?? "Die Eingabe ist ungültig. Bitte prüfen und noch einmal versuchen.";
  const more = issues.length > 1 ? ` (Dazu ${issues.length - 1} weitere ${issues.length === 2 ? "Angabe" : "Angaben"} zu prüfen.)` : "";
  return new InvalidInput("bad_request", first + more, { target, issues });
}

/** Parses with the same German messages as `valid`, for a value that does not come through a validator. */
export function parseGerman<S extends z.ZodType>(schema: S, value: unknown, target: keyof ValidationTargets = "json"): z.output<S> {
  const parsed = schema.safeParse(value, { error: germanIssue });
  if (!parsed.success) throw invalidInput(parsed.error, target);
  return parsed.data;
}

/**
 * `zValidator` with the shared hook: German messages (the schema's own first, else zod-german) and a
 * thrown InvalidInput, which the error mapping answers with 400.
 */
export const valid = <T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) => {
  const middleware = zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) throw invalidInput(result.error, target);
    },
    // zod-validator types the result per zod major version; ours is zod 4's, which it accepts at run time.
    { validationFunction: (s, value) => s.safeParseAsync(value, { error: germanIssue }) as never },
  );
  validatorInputs.set(middleware, { target, schema });
  return middleware;
};

/** What each `valid` middleware checks, so the OpenAPI document is built from the same schemas (routes/openapi.ts). */
export const validatorInputs = new WeakMap<object, { target: keyof ValidationTargets; schema: z.ZodType }>();
