// Open311 GeoReport v2, read-only (https://wiki.open311.org/GeoReport_v2): off unless OPEN311_ENABLED,
// with an optional key (OPEN311_API_KEY, sent as ?api_key=). Errors use the spec's own shape,
// `[{code, description}]`, with German descriptions.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { listRequests, listServices, type RequestQuery } from "../open311/georeport";
import { secretsEqual } from "../whatsapp/signature";
import { publicConfig } from "./public-config";

type C = Context<{ Bindings: Env }>;

class Open311Error extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404,
    readonly description: string,
  ) {
    super(description);
  }
}

function send(c: C, body: unknown, status: 200 | 400 | 401 | 403 | 404 = 200): Response {
  const key = publicConfig(c.env).OPEN311_API_KEY;
  return c.json(body, status, {
    "Access-Control-Allow-Origin": "*",
    // With a key, no shared cache may hand the answer to someone else.
    "Cache-Control": status !== 200 ? "no-store" : key ? "private, max-age=60" : "public, max-age=60",
  });
}

/** Runs a handler; an Open311Error becomes the spec's error array. */
const handle = (fn: (c: C) => Promise<unknown>) => async (c: C) => {
  try {
    return send(c, await fn(c));
  } catch (err) {
    if (err instanceof Open311Error) return send(c, [{ code: err.status, description: err.description }], err.status);
    throw err;
  }
};

async function checkAccess(c: C): Promise<void> {
  const cfg = publicConfig(c.env);
  if (!cfg.OPEN311_ENABLED) throw new Open311Error(404, "Open311 ist für diese Gemeinde nicht eingeschaltet.");
  if (!cfg.OPEN311_API_KEY) return;
  const given = c.req.query("api_key");
  if (!given) throw new Open311Error(401, "Bitte den Zugangsschlüssel als api_key mitsenden.");
  if (!(await secretsEqual(given, cfg.OPEN311_API_KEY))) throw new Open311Error(403, "Der Zugangsschlüssel (api_key) stimmt nicht.");
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const list = <T extends string>(item: z.ZodType<T, string>, max: number, what: string) =>
  z
    .string()
    .max(4000)
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(item).min(1, `${what}: bitte mindestens einen Wert angeben.`).max(max, `${what}: höchstens ${max} Werte auf einmal.`));

const date = (what: string) =>
  z
    .string()
    .regex(ISO_8601, `${what}: bitte als ISO-8601-Zeit angeben, z. B. 2026-11-01T00:00:00Z.`)
    .transform((s, ctx) => {
      // A time without zone is read as UTC, as the spec's examples carry a zone anyway.
      const t = Date.parse(/T/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? `${s}Z` : s);
      // Date.parse rolls 30 February over into March: the calendar day must exist as written.
      const [y, m, d] = s.slice(0, 10).split("-").map(Number) as [number, number, number];
      const day = new Date(Date.UTC(y, m - 1, d));
      if (Number.isNaN(t) || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) {
        ctx.addIssue({ code: "custom", message: `${what}: dieses Datum gibt es nicht.` });
        return z.NEVER;
      }
      return t;
    });

const requestsQuery = z
  .object({
    service_code: list(z.string().regex(/^[a-z0-9-]{1,80}$/, "service_code: unbekanntes Format."), 30, "service_code").optional(),
    status: list(z.enum(["open", "closed"], { message: "status: erlaubt sind open und closed." }), 2, "status").optional(),
    start_date: date("start_date").optional(),
    end_date: date("end_date").optional(),
    service_request_id: list(z.string().regex(/^[0-9a-z]{1,40}$/, "service_request_id: unbekanntes Format."), 50, "service_request_id").optional(),
  })
  .refine((q) => q.start_date === undefined || q.end_date === undefined || q.start_date <= q.end_date, "start_date liegt nach end_date.");

function parseQuery(c: C): RequestQuery {
  const raw = Object.fromEntries(["service_code", "status", "start_date", "end_date", "service_request_id"].flatMap((k) => {
    const v = c.req.query(k);
    return v === undefined ? [] : [[k, v]];
  }));
  const parsed = requestsQuery.safeParse(raw);
  if (!parsed.success) throw new Open311Error(400, parsed.error.issues.map((i) => i.message).join(" "));
  const q = parsed.data;
  return {
    ...(q.service_code ? { serviceCodes: q.service_code } : {}),
    ...(q.status ? { statuses: q.status } : {}),
    ...(q.start_date !== undefined ? { start: q.start_date } : {}),
    ...(q.end_date !== undefined ? { end: q.end_date } : {}),
    ...(q.service_request_id ? { ids: q.service_request_id } : {}),
  };
}

export const open311Routes = new Hono<{ Bindings: Env }>()
  .get(
    "/v2/services.json",
    handle(async (c) => {
      await checkAccess(c);
      return listServices(getDb(c.env.DB));
    }),
  )
  .get(
    "/v2/requests.json",
    handle(async (c) => {
      await checkAccess(c);
      return listRequests(getDb(c.env.DB), parseQuery(c));
    }),
  )
  .get(
    "/v2/requests/:file",
    handle(async (c) => {
      await checkAccess(c);
      const id = /^([0-9a-z]{1,40})\.json$/.exec(c.req.param("file") ?? "")?.[1];
      const found = id ? await listRequests(getDb(c.env.DB), { ids: [id] }) : [];
      if (found.length === 0) throw new Open311Error(404, "Diese Meldung gibt es nicht.");
      // The spec answers with an array, even for one request.
      return found;
    }),
  )
  .get(
    "/*",
    handle(async (c) => {
      await checkAccess(c);
      throw new Open311Error(404, "Diese Adresse gibt es in Open311 nicht; es gibt services.json und requests.json (nur JSON).");
    }),
  );
