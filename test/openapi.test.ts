// GET /api/openapi.json: an OpenAPI 3.1 document built from the routes and the zod schemas they
// validate with. Checked against the rules of OpenAPI 3.1 that a generator can get wrong, and
// against docs/api.md's route list.
import { describe, expect, it } from "vitest";
import doc from "../docs/api.md?raw";
import { api, loginAs } from "./helpers/auth";

interface Operation {
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async function document(): Promise<Document> {
  const res = await api("/api/openapi.json", { as: await loginAs("agent") });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return res.json<Document>();
}

/** Every "$ref" in a value (none may point into a schema's own $defs: OpenAPI resolves them from the document). */
const refsIn = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(refsIn)
    : value && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)))
      : [];

describe("GET /api/openapi.json", () => {
  it("needs a session like the rest of the staff API", async () => {
    expect((await api("/api/openapi.json")).status).toBe(401);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const oa = await document();
    expect(oa.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof oa.info.title).toBe("string");
    expect(typeof oa.info.version).toBe("string");
    expect(Object.keys(oa.paths).length).toBeGreaterThan(50);
    for (const [path, item] of Object.entries(oa.paths)) {
      expect(path).toMatch(/^\/(api|webhooks)\/[^:*]*$/);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(METHODS, where).toContain(method);
        // Each path template has exactly one required path parameter; (name, in) pairs are unique.
        const pathParams = (op.parameters ?? []).filter((p) => p.in === "path");
        expect(pathParams.map((p) => p.name).sort(), where).toEqual([...templated].sort());
        expect(pathParams.every((p) => p.required === true), where).toBe(true);
        const pairs = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
        expect(new Set(pairs).size, where).toBe(pairs.length);
        expect((op.parameters ?? []).every((p) => ["path", "query", "header", "cookie"].includes(p.in) && typeof p.schema === "object"), where).toBe(true);
        // Responses: at least one, keyed by status, status range or default, each with a description.
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^([1-5]XX|[1-5]\d\d|default)$/);
          expect(typeof r.description, where).toBe("string");
        }
        if (op.requestBody) {
          for (const [type, media] of Object.entries(op.requestBody.content)) {
            expect(type, where).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
            expect(typeof media.schema, where).toBe("object");
          }
        }
      }
    }
    expect(refsIn(oa)).toEqual([]);
  });

  it("lists every route of docs/api.md, with the methods named there", async () => {
    const oa = await document();
    const block = /<!-- routes:start -->\n?([\s\S]*?)\n?<!-- routes:end -->/.exec(doc)?.[1] ?? "";
    const routes = [...block.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`]+)`/g)].map((m) => [m[1] ?? "", m[2] ?? ""] as const);
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter(([method, path]) => !oa.paths[path.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()]);
    expect(missing).toEqual([]);
  });

  it("describes inputs from the same zod schemas the routes validate with", async () => {
    const oa = await document();
    const signup = oa.paths["/api/public/signup-codes"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(signup).toMatchObject({
      type: "object",
      required: ["channels"],
      properties: { channels: { type: "array", minItems: 1, maxItems: 20, items: { type: "string", minLength: 1, maxLength: 100 } } },
    });
    const login = oa.paths["/api/auth/login"]?.post?.requestBody?.content["application/json"]?.schema as { properties?: Record<string, unknown> };
    expect(Object.keys(login.properties ?? {})).toEqual(expect.arrayContaining(["email", "password"]));
  });
});
