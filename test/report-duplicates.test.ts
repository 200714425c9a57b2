import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findDuplicates, haversineMetres } from "../worker/inbox/duplicates";
import { getDb } from "../worker/db/client";
import { api, loginAs, type Session } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { seedReport } from "./helpers/reports";

const NOW = Date.now();
const DAY = 86_400_000;
const LAT = 47.0707;
const LNG = 15.4395;
/** Metres → degrees of latitude, and of longitude at LAT. */
const north = (m: number) => m / 111_195;
const east = (m: number) => m / (111_195 * Math.cos((LAT * Math.PI) / 180));

interface Dup { conversationId: string; distanceMetres: number }

let graph: FakeGraph;
let agent: Session;
beforeEach(async () => {
  graph = installFakeGraph();
  agent = await loginAs("agent");
});
afterEach(() => graph.restore());

const duplicates = async (id: string): Promise<Dup[]> => {
  const res = await api(`/api/conversations/${id}/report/duplicates`, { as: agent });
  expect(res.status).toBe(200);
  return (await res.json<{ duplicates: Dup[] }>()).duplicates;
};

describe("haversine", () => {
  it("measures metres on the ground", () => {
    expect(haversineMetres(LAT, LNG, LAT + north(50), LNG)).toBeCloseTo(50, 0);
    expect(haversineMetres(LAT, LNG, LAT, LNG + east(50))).toBeCloseTo(50, 0);
    expect(haversineMetres(48.2082, 16.3738, 47.0707, 15.4395)).toBeGreaterThan(140_000);
  });
});

describe("possible duplicates (50 m, same category, open, last 14 days)", () => {
  beforeEach(async () => {
    await seedReport({ id: "new", category: "Straßenschaden", lat: LAT, lng: LNG, createdAt: NOW });
    await seedReport({ id: "near", category: "Straßenschaden", lat: LAT + north(30), lng: LNG, createdAt: NOW - 3 * DAY });
    await seedReport({ id: "diag", category: "Straßenschaden", lat: LAT + north(30), lng: LNG + east(30), createdAt: NOW - DAY }); // 42 m
    await seedReport({ id: "boxcorner", category: "Straßenschaden", lat: LAT + north(45), lng: LNG + east(45), createdAt: NOW - DAY }); // 64 m: in the box, out of the circle
    await seedReport({ id: "far", category: "Straßenschaden", lat: LAT + north(80), lng: LNG, createdAt: NOW - DAY });
    await seedReport({ id: "othercat", category: "Müll", lat: LAT, lng: LNG, createdAt: NOW - DAY });
    await seedReport({ id: "closed", category: "Straßenschaden", status: "erledigt", lat: LAT, lng: LNG, createdAt: NOW - DAY });
    await seedReport({ id: "old", category: "Straßenschaden", lat: LAT, lng: LNG, createdAt: NOW - 15 * DAY });
    await seedReport({ id: "merged", category: "Straßenschaden", status: "in_bearbeitung", lat: LAT, lng: LNG, createdAt: NOW - DAY, mergedInto: "near" });
    await seedReport({ id: "noplace", category: "Straßenschaden", lat: null, lng: null, createdAt: NOW - DAY });
  });

  it("suggests open reports of the same category within 50 m, nearest first", async () => {
    expect((await duplicates("new")).map((d) => [d.conversationId, d.distanceMetres])).toEqual([
      ["near", 30],
      ["diag", 42],
    ]);
    expect(await duplicates("noplace")).toEqual([]);
    expect(await duplicates("merged")).toEqual([]);
    expect((await api("/api/conversations/nope/report/duplicates", { as: agent })).status).toBe(404);
  });

  it("finds neighbours at the equator too (the box is computed for the latitude)", async () => {
    await seedReport({ id: "eq1", category: "Müll", lat: 0, lng: 0, createdAt: NOW });
    await seedReport({ id: "eq2", category: "Müll", lat: 0.0003, lng: 0, createdAt: NOW });
    expect((await findDuplicates(getDb(env.DB), "eq1", NOW)).map((d) => d.conversationId)).toEqual(["eq2"]);
  });
});

describe("merging", () => {
  beforeEach(async () => {
    await seedReport({ id: "keep", category: "Beleuchtung", createdAt: NOW - DAY });
    await seedReport({ id: "dup", category: "Beleuchtung", createdAt: NOW });
    await env.DB.prepare("INSERT INTO media (id, status, r2_key, mime_type, citizen_id) VALUES ('photo1', 'stored', 'k', 'image/jpeg', 'czdup')").run();
    await env.DB.prepare("INSERT INTO messages (id, conversation_id, citizen_id, direction, type, media_id, status, sent_at) VALUES ('mphoto', 'dup', 'czdup', 'in', 'image', 'photo1', 'received', 1)").run();
  });

  const merge = (id: string, into: unknown) => api(`/api/conversations/${id}/report/merge`, { as: agent, body: { into } });

  it("closes the duplicate, points it to the kept report, and keeps its messages and photos", async () => {
    const res = await merge("dup", "keep");
    expect(res.status).toBe(200);
    const { conversation } = await res.json<{ conversation: { report: { status: string; mergedInto: string } } }>();
    expect(conversation.report).toMatchObject({ status: "erledigt", mergedInto: "keep" });
    const messages = await (await api("/api/conversations/dup", { as: agent })).json<{ messages: { mediaUrl: string | null }[] }>();
    expect(messages.messages.map((m) => m.mediaUrl)).toContain("/api/media/photo1");
    // The citizen is not told anything about a merge.
    expect(graph.messages()).toHaveLength(0);
  });

  it("refuses self, unknown, non-report, already merged and chained targets with a German sentence", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO citizens (id, wa_id, name) VALUES ('czplain', '436609', 'X')"),
      env.DB.prepare("INSERT INTO conversations (id, citizen_id, status) VALUES ('plain', 'czplain', 'open')"),
    ]);
    const cases: [string, unknown, number, string][] = [
      ["dup", "dup", 422, "merge_self"],
      ["dup", "nope", 422, "merge_target_missing"],
      ["dup", "plain", 422, "merge_target_missing"],
      ["plain", "keep", 422, "not_a_report"],
      ["dup", "Keep!", 400, "bad_request"],
      ["nope", "keep", 404, "not_found"],
    ];
    for (const [id, into, status, code] of cases) {
      const res = await merge(id, into);
      const body = await res.json<{ error: { code: string; message: string } }>();
      expect([res.status, body.error.code], `${id}→${String(into)}`).toEqual([status, code]);
      expect(body.error.message).toMatch(/(^|: )[A-ZÄÖÜ]/);
    }
    expect((await merge("dup", "keep")).status).toBe(200);
    expect(await (await merge("dup", "keep")).json()).toMatchObject({ error: { code: "already_merged" } });
    await seedReport({ id: "third", category: "Beleuchtung", createdAt: NOW });
    expect(await (await merge("third", "dup")).json()).toMatchObject({ error: { code: "target_merged" } });
    // Opposite merges: the second finds its target merged already.
    await seedReport({ id: "x1", category: "Beleuchtung", createdAt: NOW });
    await seedReport({ id: "x2", category: "Beleuchtung", createdAt: NOW });
    const [a, b] = await Promise.all([merge("x1", "x2"), merge("x2", "x1")]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it("reopening a merged report undoes the merge", async () => {
    await merge("dup", "keep");
    const res = await api("/api/conversations/dup/report", { method: "PATCH", as: agent, body: { status: "in_bearbeitung" } });
    expect((await res.json<{ conversation: { report: { mergedInto: string | null } } }>()).conversation.report.mergedInto).toBeNull();
  });
});
