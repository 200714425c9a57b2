// GET /api/reports (the staff map of incident reports and its list) and GET /api/ui-config (the
// map's tile server and default centre from the configuration).
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { configSchema, type Env } from "../worker/env";
import worker from "../worker/index";
import type { ReportListItem } from "../worker/inbox/report-list";
import { metaMessages } from "./fixtures/meta-messages";
import { api, BASE_URL, loginAs, type Session } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenSendsLocation, citizenWrites } from "./helpers/inbox";
import { envelope, messageValue, postWebhook } from "./helpers/meta";

type ErrorBody = { error: { code: string; message: string; details?: unknown } };
type ListBody = { reports: ReportListItem[]; truncated: boolean };

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6, 0xff, 0xd9]);

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

const patchReport = (id: string, as: Session, body: unknown) => api(`/api/conversations/${id}/report`, { method: "PATCH", as, body });

async function reports(as: Session, query = ""): Promise<ListBody> {
  const res = await api(`/api/reports${query}`, { as });
  expect(res.status, query).toBe(200);
  return res.json<ListBody>();
}

/** A citizen's photo arrives by webhook and the background job stores it in R2 (the real path). */
async function citizenSendsPhoto(from: string): Promise<string> {
  graph.addMedia(metaMessages.image.image.id, JPEG, "image/jpeg");
  await postWebhook(envelope(messageValue(metaMessages.image, { from, name: "Franz Berger" })));
  const row = await env.DB.prepare("SELECT id FROM media ORDER BY created_at DESC LIMIT 1").first<{ id: string }>();
  const batch = createMessageBatch("townwire-jobs", [{ id: "job-1", timestamp: new Date(), attempts: 1, body: { type: "media.fetch", mediaId: row!.id } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await getQueueResult(batch, ctx);
  const stored = await env.DB.prepare("SELECT status FROM media WHERE id = ?").bind(row!.id).first<{ status: string }>();
  expect(stored?.status).toBe("stored");
  return row!.id;
}

/** Three reports (two with a place, one without) and one conversation that is no report. */
async function seedReports(agent: Session) {
  await citizenWrites("Die Laterne am Marktplatz ist kaputt", { from: "436641110001", name: "Anna Moser" });
  const lamp = await citizenSendsLocation({ latitude: 47.2654, longitude: 11.3927, name: "Marktplatz", address: "Marktplatz 1" }, { from: "436641110001", name: "Anna Moser" });
  expect((await patchReport(lamp.conversationId, agent, { category: "Beleuchtung" })).status).toBe(200);

  const photoId = await citizenSendsPhoto("436641110002");
  const bench = await citizenSendsLocation({ latitude: 47.27, longitude: 11.41 }, { from: "436641110002", name: "Franz Berger" });
  expect((await patchReport(bench.conversationId, agent, { category: "Vandalismus" })).status).toBe(200);
  expect((await patchReport(bench.conversationId, agent, { status: "in_bearbeitung" })).status).toBe(200);

  // A report without any location: listed, with nulls.
  const trash = await citizenWrites("Beim Spielplatz liegt überall Müll", { from: "436641110003", name: "Eva Huber" });
  expect((await patchReport(trash.conversationId, agent, { category: "Müll", status: "erledigt" })).status).toBe(200);

  // Only a question, never marked as a report.
  const question = await citizenWrites("Wann hat das Freibad offen?", { from: "436641110004", name: "Karl Wolf" });
  return { lamp: lamp.conversationId, bench: bench.conversationId, trash: trash.conversationId, question: question.conversationId, photoId };
}

describe("GET /api/reports", () => {
  it("lists only conversations marked as reports, newest change first, with place and photo", async () => {
    const agent = await loginAs("agent");
    const ids = await seedReports(agent);
    const { reports: list, truncated } = await reports(agent);
    expect(truncated).toBe(false);
    expect(list.map((r) => r.conversationId)).toEqual([ids.trash, ids.bench, ids.lamp]);
    expect(list.some((r) => r.conversationId === ids.question)).toBe(false);
    const [trash, bench, lamp] = list;
    expect(lamp).toEqual({
      conversationId: ids.lamp,
      citizenName: "Anna Moser",
      category: "Beleuchtung",
      status: "neu",
      latitude: 47.2654,
      longitude: 11.3927,
      address: "Marktplatz, Marktplatz 1",
      updatedAt: expect.any(Number),
      photoUrl: null,
    });
    expect(bench).toMatchObject({ citizenName: "Franz Berger", category: "Vandalismus", status: "in_bearbeitung", latitude: 47.27, longitude: 11.41, address: null });
    expect(bench?.photoUrl).toBe(`/api/media/${ids.photoId}`);
    expect(trash).toMatchObject({ category: "Müll", status: "erledigt", latitude: null, longitude: null, address: null, photoUrl: null });
    // The photo link works for staff.
    const photo = await api(bench!.photoUrl!, { as: agent });
    expect(photo.status).toBe(200);
    expect(photo.headers.get("content-type")).toBe("image/jpeg");
  });

  it("filters by status, by category and by both; an empty filter means all", async () => {
    const agent = await loginAs("agent");
    const ids = await seedReports(agent);
    expect((await reports(agent, "?status=neu")).reports.map((r) => r.conversationId)).toEqual([ids.lamp]);
    expect((await reports(agent, "?status=in_bearbeitung")).reports.map((r) => r.conversationId)).toEqual([ids.bench]);
    expect((await reports(agent, "?status=erledigt")).reports.map((r) => r.conversationId)).toEqual([ids.trash]);
    expect((await reports(agent, `?category=${encodeURIComponent("Müll")}`)).reports.map((r) => r.conversationId)).toEqual([ids.trash]);
    expect((await reports(agent, "?category=Vandalismus&status=in_bearbeitung")).reports.map((r) => r.conversationId)).toEqual([ids.bench]);
    expect((await reports(agent, "?category=Vandalismus&status=neu")).reports).toEqual([]);
    expect((await reports(agent, "?category=Unbekannt")).reports).toEqual([]);
    expect((await reports(agent, "?status=&category=")).reports).toHaveLength(3);
  });

  it("follows changes: a removed report disappears, a moved one shows its new place and status", async () => {
    const agent = await loginAs("agent");
    const ids = await seedReports(agent);
    expect((await patchReport(ids.lamp, agent, { report: null })).status).toBe(200);
    expect((await patchReport(ids.trash, agent, { latitude: 47.26, longitude: 11.4, address: "Spielplatz Hötting" })).status).toBe(200);
    const { reports: list } = await reports(agent);
    expect(list.map((r) => r.conversationId)).toEqual([ids.trash, ids.bench]);
    expect(list[0]).toMatchObject({ latitude: 47.26, longitude: 11.4, address: "Spielplatz Hötting", status: "erledigt" });
  });

  it("is open to every staff role and to nobody without a session", async () => {
    const admin = await loginAs("admin");
    await seedReports(admin);
    for (const role of ["agent", "editor", "admin"] as const) {
      expect((await reports(await loginAs(role))).reports, role).toHaveLength(3);
    }
    const anonymous = await api("/api/reports");
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json<ErrorBody>()).error.code).toBeTruthy();
  });

  it("answers 400 with the reason for a bad filter", async () => {
    const agent = await loginAs("agent");
    for (const query of ["?status=offen", "?status=NEU", `?category=${"x".repeat(61)}`, "?category=%20%20"]) {
      const res = await api(`/api/reports${query}`, { as: agent });
      expect(res.status, query).toBe(400);
      const body = await res.json<ErrorBody>();
      expect(body.error.code, query).toBe("bad_request");
      // The reason in words (German), the field only in the machine-readable details.
      expect(body.error.message, query).toMatch(/^(Der Status|Die Kategorie) /);
      expect(body.error.message, query).not.toMatch(/status|category/);
      expect(JSON.stringify(body.error.details), query).toMatch(/"path":"(status|category)"/);
    }
  });
});

describe("GET /api/ui-config", () => {
  const app = createApp();
  async function uiConfig(as: Session, vars: Partial<Env> = {}) {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE_URL}/api/ui-config`, { headers: as.headers }), { ...env, ...vars } as Env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("gives staff the map's tile server, attribution and default centre (OpenStreetMap, Innsbruck by default)", async () => {
    const agent = await loginAs("agent");
    const res = await uiConfig(agent);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      map: {
        tileUrl: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution: expect.stringContaining("OpenStreetMap"),
        defaultCenter: { latitude: 47.2692, longitude: 11.4041 },
        defaultZoom: 13,
      },
    });
    expect((await api("/api/ui-config")).status).toBe(401);
  });

  it("takes MAP_TILE_URL, MAP_ATTRIBUTION and MAP_DEFAULT_CENTER from the configuration", async () => {
    const agent = await loginAs("editor");
    const res = await uiConfig(agent, {
      MAP_TILE_URL: "https://tiles.gemeinde.test/{z}/{x}/{y}.png",
      MAP_ATTRIBUTION: "© basemap.at",
      MAP_DEFAULT_CENTER: " 48.2082 , 16.3738 ",
    });
    expect(await res.json()).toEqual({
      map: {
        tileUrl: "https://tiles.gemeinde.test/{z}/{x}/{y}.png",
        attribution: "© basemap.at",
        defaultCenter: { latitude: 48.2082, longitude: 16.3738 },
        defaultZoom: 13,
      },
    });
  });

  it("refuses malformed map settings like every other configuration error", async () => {
    const base = { WHATSAPP_VERIFY_TOKEN: "v", WHATSAPP_APP_SECRET: "s", WHATSAPP_ACCESS_TOKEN: "t", WHATSAPP_PHONE_NUMBER_ID: "1" };
    for (const [name, value] of [
      ["MAP_DEFAULT_CENTER", "47.2692"],
      ["MAP_DEFAULT_CENTER", "47.2692,"],
      ["MAP_DEFAULT_CENTER", "91,11"],
      ["MAP_DEFAULT_CENTER", "Innsbruck"],
      ["MAP_TILE_URL", "https://tile.example/{z}/{x}.png"],
      ["MAP_TILE_URL", "javascript:alert(1)//{z}{x}{y}"],
    ] as const) {
      const parsed = configSchema.safeParse({ ...base, [name]: value });
      expect(parsed.success, `${name}=${value}`).toBe(false);
      expect(parsed.error?.issues[0]?.path, `${name}=${value}`).toEqual([name]);
    }
    const misconfigured = await uiConfig(await loginAs("agent"), { MAP_DEFAULT_CENTER: "nowhere" });
    expect(misconfigured.status).toBe(503);
    expect((await misconfigured.json<ErrorBody>()).error.code).toBe("misconfigured");
  });
});
