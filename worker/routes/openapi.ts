// GET /api/openapi.json: an OpenAPI 3.1 document of /api and /webhooks, built from the app's routes
// and from the zod schemas their `valid()` middlewares check (z.toJSONSchema), so there is no
// second definition of any input. Responses are described only by status (docs/api.md has the rest).
import type { RouterRoute } from "hono/types";
import { COMPOSED_HANDLER } from "hono/utils/constants";
import { z } from "zod";
import { validatorInputs } from "./validate";

type JsonSchema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  tags: string[];
  parameters: Parameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return json;
};

/** The object schema's properties, one parameter each (a query or path schema is an object). */
function parametersOf(schema: z.ZodType, where: Parameter["in"]): Parameter[] {
  const json = toSchema(schema);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === "path" || required.has(name), schema: s }));
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string", description: "A German sentence for the clerk." }, details: {} },
    },
  },
};

/** The handler as registered: app.route() wraps a sub-app's handlers when the error handlers differ. */
function original(handler: unknown): unknown {
  let h = handler;
  while (typeof h === "function" && COMPOSED_HANDLER in h) h = (h as unknown as Record<string, unknown>)[COMPOSED_HANDLER];
  return h;
}

function operationOf(path: string, handlers: RouterRoute[]): Operation {
  const tag = path.split("/")[path.startsWith("/api/") ? 2 : 1] ?? "";
  const op: Operation = {
    tags: [tag],
    parameters: [...path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1] ?? "", in: "path", required: true, schema: { type: "string" } })),
    responses: {
      "2XX": { description: "Erfolg" },
      "4XX": { description: "Fehler, mit einem deutschen Satz", content: { "application/json": { schema: errorSchema } } },
    },
  };
  for (const h of handlers) {
    const fn = original(h.handler);
    const input = typeof fn === "function" ? validatorInputs.get(fn) : undefined;
    if (!input) continue;
    if (input.target === "json" || input.target === "form") {
      const type = input.target === "json" ? "application/json" : "multipart/form-data";
      op.requestBody = { required: true, content: { [type]: { schema: toSchema(input.schema) } } };
    } else if (input.target === "query" || input.target === "param") {
      const where = input.target === "query" ? "query" : "path";
      const named = parametersOf(input.schema, where);
      op.parameters = [...op.parameters.filter((p) => !named.some((n) => n.name === p.name && n.in === p.in)), ...named];
    }
  }
  return op;
}

/** The document for the routes of an app (`app.routes`): every GET/POST/… under /api and /webhooks. */
export function openApiDocument(routes: RouterRoute[]) {
  const grouped = new Map<string, RouterRoute[]>();
  for (const r of routes) {
    if (!/^\/(api|webhooks)\//.test(r.path) || r.path.includes("*")) continue;
    const methods = r.method === "ALL" ? [] : [r.method.toLowerCase()];
    for (const m of methods) grouped.set(`${m} ${r.path}`, [...(grouped.get(`${m} ${r.path}`) ?? []), r]);
  }
  // Middlewares mounted with a method and a path of their own (e.g. .post(path, a, b, handler)) are
  // entries of that route; those mounted on "*" (all of /api) are not part of any one operation.
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [key, handlers] of grouped) {
    const [method = "", path = ""] = key.split(" ");
    const oaPath = path.replace(/:(\w+)/g, "{$1}");
    (paths[oaPath] ??= {})[method] = operationOf(path, handlers);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "townwire API",
      version: "1",
      description: "Staff API (session cookie tw_session), widget API (/api/public) and the WhatsApp webhook. See docs/api.md.",
    },
    paths,
  };
}
