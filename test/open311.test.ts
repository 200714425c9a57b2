import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { Env } from "../worker/env";
import { serviceCode } from "../worker/open311/georeport";
import { api, BASE_URL, loginAs } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenWrites } from "./helpers/inbox";
import { seedReport } from "./helpers/reports";

// GeoReport v2's field lists (https://wiki.open311.org/GeoReport_v2).
const SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
const REQUEST_FIELDS = [
  "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
  "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
  "lat", "long", "media_url",
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const app = createApp();
async function open311(path: string, vars: Partial<Env> = { OPEN311_ENABLED: "true" }): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE_URL}/open311/v2/${path}`), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

interface Req { service_request_id: string; status: string; status_notes?: string; service_code: string; service_name: string; description: string; lat?: number; long?: number; requested_datetime: string; updated_datetime: string }

async function requests(query = ""): Promise<Req[]> {
  const res = await open311(`requests.json${query}`);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  const list = JSON.parse(body) as Req[];
  for (const r of list) expectRequestShape(r);
  return list;
}

function expectRequestShape(r: Req): void {
  for (const key of Object.keys(r)) expect(REQUEST_FIELDS, key).toContain(key);
  expect(typeof r.service_request_id).toBe("string");
  expect(["open", "closed"]).toContain(r.status);
  expect(r.requested_datetime).toMatch(ISO);
  expect(r.updated_datetime).toMatch(ISO);
  expect(typeof r.description).toBe("string");
  if ("lat" in r || "long" in r) {
    expect(typeof r.lat).toBe("number");
    expect(typeof r.long).toBe("number");
  }
}

async function expectOpen311Error(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  const body = await res.json<{ code: number; description: string }[]>();
  expect(body).toHaveLength(1);
  expect(body[0]?.code).toBe(status);
  expect(body[0]?.description).toMatch(/[a-zäöüß]/);
  return body[0]?.description ?? "";
}

const NOW = Date.now();
const DAY = 86_400_000;

describe("Open311 switched off", () => {
  it("answers 404 in Open311's error format unless OPEN311_ENABLED is true", async () => {
    for (const vars of [{}, { OPEN311_ENABLED: "false" }]) {
      expect(await expectOpen311Error(await open311("services.json", vars), 404)).toContain("nicht eingeschaltet");
    }
    // Through the deployed Worker (wrangler.toml says "false").
    expect((await api("/open311/v2/services.json", { origin: null })).status).toBe(404);
  });
});

describe("Open311 API key", () => {
  const vars = { OPEN311_ENABLED: "true", OPEN311_API_KEY: "geheim-schluessel-123" };
  it("needs ?api_key= when a key is set: 401 without, 403 with a wrong one", async () => {
    await expectOpen311Error(await open311("services.json", vars), 401);
    await expectOpen311Error(await open311("services.json?api_key=falsch", vars), 403);
    const ok = await open311("services.json?api_key=geheim-schluessel-123", vars);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("private, max-age=60");
  });
});

describe("GET /open311/v2/services.json", () => {
  it("lists the report categories with GeoReport v2's service fields", async () => {
    const res = await open311("services.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const services = await res.json<Record<string, unknown>[]>();
    expect(services.map((s) => s.service_code)).toEqual(["vandalismus", "strassenschaden", "beleuchtung", "muell", "sonstiges"]);
    for (const s of services) {
      expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
      expect(s).toMatchObject({ metadata: false, type: "realtime" });
    }
    expect(services[1]).toMatchObject({ service_name: "Straßenschaden" });
  });

  it("makes stable codes from category names", () => {
    expect(serviceCode("Straßenschaden")).toBe("strassenschaden");
    expect(serviceCode("Öffentliche Grünflächen / Bäume")).toBe("oeffentliche-gruenflaechen-baeume");
    expect(serviceCode("Café")).toBe("cafe");
    expect(serviceCode("!!!")).toBe("kategorie");
  });
});

describe("GET /open311/v2/requests.json", () => {
  beforeEach(async () => {
    await seedReport({ id: "r1", category: "Straßenschaden", createdAt: NOW - 2 * DAY, summary: "Schlagloch in der Hauptstraße" });
    await seedReport({ id: "r2", category: "Beleuchtung", status: "erledigt", createdAt: NOW - 5 * DAY, updatedAt: NOW - DAY });
    await seedReport({ id: "r3", category: "Straßenschaden", status: "in_bearbeitung", createdAt: NOW - 10 * DAY, lat: null, lng: null });
    await seedReport({ id: "r4", category: "Straßenschaden", status: "erledigt", createdAt: NOW - 3 * DAY, mergedInto: "r1" });
    await seedReport({ id: "rold", category: "Müll", createdAt: NOW - 120 * DAY });
    // A conversation that is not a report is never listed.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO citizens (id, wa_id, name) VALUES ('czplain', '436601', 'X')"),
      env.DB.prepare("INSERT INTO conversations (id, citizen_id, status) VALUES ('plain', 'czplain', 'open')"),
    ]);
  });

  it("lists reports of the last 90 days, newest first, with nothing personal", async () => {
    const res = await open311("requests.json");
    const body = await res.text();
    for (const secret of ["Maria Geheim", "Gasse 5", "daheim", "436600", "cz"]) expect(body).not.toContain(secret);
    const list = await requests();
    expect(list.map((r) => r.service_request_id)).toEqual(["r1", "r4", "r2", "r3"]);
    expect(list[0]).toEqual({
      service_request_id: "r1",
      status: "open",
      service_name: "Straßenschaden",
      service_code: "strassenschaden",
      description: "Schlagloch in der Hauptstraße",
      requested_datetime: new Date(NOW - 2 * DAY).toISOString(),
      updated_datetime: new Date(NOW - 2 * DAY).toISOString(),
      lat: 47.07,
      long: 15.44,
    });
    expect(list[1]).toMatchObject({ status: "closed", status_notes: "Zusammengeführt mit Meldung r1", description: "" });
    expect(list[2]).toMatchObject({ status: "closed", updated_datetime: new Date(NOW - DAY).toISOString() });
    expect(list[3]).toMatchObject({ status: "open", status_notes: "In Bearbeitung" });
    expect(list[3]).not.toHaveProperty("lat");
  });

  it("filters by service_code, status and dates (ISO 8601)", async () => {
    expect((await requests("?service_code=strassenschaden")).map((r) => r.service_request_id)).toEqual(["r1", "r4", "r3"]);
    expect((await requests("?service_code=beleuchtung,muell")).map((r) => r.service_request_id)).toEqual(["r2"]);
    expect(await requests("?service_code=gibts-nicht")).toEqual([]);
    expect((await requests("?status=closed")).map((r) => r.service_request_id)).toEqual(["r4", "r2"]);
    expect((await requests("?status=open&service_code=strassenschaden")).map((r) => r.service_request_id)).toEqual(["r1", "r3"]);
    expect((await requests("?status=open,closed")).length).toBe(4);
    const start = new Date(NOW - 4 * DAY).toISOString();
    expect((await requests(`?start_date=${start}`)).map((r) => r.service_request_id)).toEqual(["r1", "r4"]);
    const end = new Date(NOW - 4 * DAY).toISOString().replace("Z", "+00:00");
    expect((await requests(`?end_date=${encodeURIComponent(end)}`)).map((r) => r.service_request_id)).toEqual(["r2", "r3"]);
    const old = new Date(NOW - 200 * DAY).toISOString().slice(0, 10);
    expect((await requests(`?start_date=${old}`)).map((r) => r.service_request_id)).toContain("rold");
    expect((await requests("?service_request_id=r2,r3,nope")).map((r) => r.service_request_id)).toEqual(["r2", "r3"]);
  });

  it("answers bad filters with 400 in Open311's format and a German description", async () => {
    for (const q of [
      "?status=offen",
      "?status=",
      "?start_date=gestern",
      "?end_date=2026-13-45T00:00:00Z",
      "?start_date=2026-02-30",
      "?start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z",
      "?service_code=DROP%20TABLE",
      `?service_code=${Array.from({ length: 31 }, (_, i) => `c${i}`).join(",")}`,
      `?service_request_id=${Array.from({ length: 51 }, (_, i) => `r${i}`).join(",")}`,
    ]) {
      const res = await open311(`requests.json${q}`);
      expect(res.status, q).toBe(400);
      await expectOpen311Error(res, 400);
    }
  });

  it("binds few parameters whatever is asked (D1's limit of 100)", async () => {
    const codes = Array.from({ length: 29 }, (_, i) => `code-${i}`).join(",");
    const ids = Array.from({ length: 50 }, (_, i) => `r${i}`).join(",");
    expect((await requests(`?service_code=${codes},strassenschaden&service_request_id=${ids}`)).map((r) => r.service_request_id)).toEqual(["r1", "r4", "r3"]);
  });
});

describe("GET /open311/v2/requests/:id.json", () => {
  it("answers an array with the one request, 404 in Open311's format otherwise", async () => {
    await seedReport({ id: "r1", category: "Müll", createdAt: NOW - DAY });
    const res = await open311("requests/r1.json");
    const list = await res.json<Req[]>();
    expect(list).toHaveLength(1);
    expectRequestShape(list[0]!);
    expect(list[0]?.service_code).toBe("muell");
    for (const path of ["requests/nope.json", "requests/r1.xml", "requests/R1.json", "services.xml", "discovery.json"]) {
      await expectOpen311Error(await open311(path), 404);
    }
  });
});

describe("staff write the public summary", () => {
  let graph: FakeGraph;
  beforeEach(() => {
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  it("a report marked in the staff app appears with the summary staff wrote, never the citizen's words", async () => {
    const { conversationId } = await citizenWrites("Vor meinem Haus in der Lindengasse 7 ist die Laterne kaputt, Grüße Hans Huber");
    const agent = await loginAs("agent");
    const mark = await api(`/api/conversations/${conversationId}/report`, { method: "PATCH", as: agent, body: { category: "Beleuchtung", latitude: 47.1, longitude: 15.4, address: "Lindengasse 7" } });
    expect(mark.status).toBe(200);
    let [req] = await requests();
    expect(req).toMatchObject({ service_request_id: conversationId, description: "", status: "open", lat: 47.1, long: 15.4 });
    expect(JSON.stringify(req)).not.toMatch(/Lindengasse|Huber|Laterne/);

    const res = await api(`/api/conversations/${conversationId}/report`, { method: "PATCH", as: agent, body: { publicSummary: "  Straßenlaterne defekt  " } });
    const { conversation } = await res.json<{ conversation: { report: { publicSummary: string | null } } }>();
    expect(conversation.report.publicSummary).toBe("Straßenlaterne defekt");
    [req] = await requests();
    expect(req?.description).toBe("Straßenlaterne defekt");
    // The time it became a report stays when it changes later.
    const first = req?.requested_datetime;
    await api(`/api/conversations/${conversationId}/report`, { method: "PATCH", as: agent, body: { status: "erledigt" } });
    [req] = await requests();
    expect(req).toMatchObject({ status: "closed", requested_datetime: first });

    await api(`/api/conversations/${conversationId}/report`, { method: "PATCH", as: agent, body: { publicSummary: "" } });
    expect((await requests())[0]?.description).toBe("");
    const tooLong = await api(`/api/conversations/${conversationId}/report`, { method: "PATCH", as: agent, body: { publicSummary: "x".repeat(501) } });
    expect(tooLong.status).toBe(400);
  });
});
