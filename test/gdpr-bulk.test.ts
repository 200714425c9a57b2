// Citizens with many files: D1 binds at most 100 parameters per statement, so export, erasure and
// the photo retention must work with 150+ files of one person (rows straight in D1, objects in R2).
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { eraseCitizen } from "../worker/citizens/gdpr";
import { dayInVienna, RETENTION_MARKER, runDailyCleanup } from "../worker/citizens/retention";
import { getDb } from "../worker/db/client";
import worker from "../worker/index";
import { api, loginAs, type Session } from "./helpers/auth";
import { db } from "./helpers/citizens";
import { count } from "./helpers/db";
import { bucketFailingDeletes, citizenWithPhotos, d1FailingOnce, objectsOf } from "./helpers/gdpr";

const N = 160;
// Seeding 160 rows and R2 objects takes a while on a busy machine; nothing here measures time.
vi.setConfig({ testTimeout: 60_000 });

describe("export with 160 files", () => {
  let editor: Session;
  beforeEach(async () => {
    editor = await loginAs("editor");
  });

  it("lists every file and message", async () => {
    const c = await citizenWithPhotos("anna", "436645550101", N);
    const res = await api(`/api/subscribers/${c.citizenId}/export`, { as: editor });
    expect(res.status, await res.clone().text()).toBe(200);
    const data = await res.json<{ files: { id: string; url: string | null }[]; conversations: { messages: unknown[] }[] }>();
    expect(data.files.map((f) => f.id)).toEqual(c.mediaIds);
    expect(data.files.every((f) => f.url === `/api/media/${f.id}`)).toBe(true);
    expect(data.conversations[0]?.messages).toHaveLength(N);
  });
});

describe("erase with 160 files", () => {
  let admin: Session;
  beforeEach(async () => {
    admin = await loginAs("admin");
  });

  it("deletes every row and object before it answers", async () => {
    const c = await citizenWithPhotos("anna", "436645550101", N);
    const other = await citizenWithPhotos("bert", "436645550102", 3);
    const res = await api(`/api/subscribers/${c.citizenId}/erase`, { as: admin, body: { confirm: true } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { filesDeleted: N, objectsDeleted: N, objectsPending: 0, messagesCleared: N } });
    expect(await count("media", `citizen_id = 'anna' AND status = 'deleted' AND r2_key IS NULL`)).toBe(N);
    expect(await objectsOf("anna")).toBe(0);
    expect(await count("media_deletions")).toBe(0);
    // Nobody else's files are touched.
    expect(await objectsOf("bert")).toBe(other.keys.length);
    expect(await count("media", "citizen_id = 'bert' AND status = 'stored'")).toBe(3);
  });

  it("when R2 refuses, the rows are deleted, the objects queued, and the cron sweeper deletes them", async () => {
    const c = await citizenWithPhotos("anna", "436645550101", N);
    const result = await eraseCitizen(db(), bucketFailingDeletes(), c.citizenId, "staff-1");
    expect(result).toMatchObject({ filesDeleted: N, objectsDeleted: 0, objectsPending: N });
    expect(await count("media_deletions", "attempts = 1 AND last_error = 'R2 nicht erreichbar'")).toBe(N);
    expect(await objectsOf("anna")).toBe(N);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await objectsOf("anna")).toBe(0);
    expect(await count("media_deletions")).toBe(0);
  });
});

describe("retention with 160 expired photos in one day", () => {
  it("deletes them all in one run and marks the day done", async () => {
    await citizenWithPhotos("anna", "436645550101", N, { ageDays: 200 });
    const now = Date.now();
    const result = await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now);
    expect(result).toMatchObject({ mediaDeleted: N, objectsDeleted: N, objectsPending: 0, complete: true });
    expect(await objectsOf("anna")).toBe(0);
    expect(await count("media", "status = 'stored'")).toBe(0);
    expect(await env.DB.prepare("SELECT value FROM settings WHERE key = ?").bind(RETENTION_MARKER).first()).toEqual({ value: dayInVienna(now) });
  });

  it("a failed run leaves the day open: the next minute's run finishes the work", async () => {
    await citizenWithPhotos("anna", "436645550101", N, { ageDays: 200 });
    const now = Date.now();
    const failing = getDb(d1FailingOnce("UPDATE media SET status = 'deleted'"));
    await expect(runDailyCleanup({ db: failing, bucket: env.MEDIA, retentionDays: 180 }, now)).rejects.toThrow(/simulated/);
    expect(await count("settings", `key = '${RETENTION_MARKER}'`)).toBe(0);
    expect(await count("media", "status = 'stored'")).toBe(N);

    const retry = await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now + 60_000);
    expect(retry).toMatchObject({ mediaDeleted: N, complete: true });
    expect(await objectsOf("anna")).toBe(0);
    // Done for today now.
    expect(await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now + 120_000)).toBeNull();
  });

  it("two overlapping runs: only one does the work", async () => {
    await citizenWithPhotos("anna", "436645550101", 5, { ageDays: 200 });
    const now = Date.now();
    const [a, b] = await Promise.all([
      runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now),
      runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now),
    ]);
    expect([a, b].filter((r) => r !== null)).toEqual([expect.objectContaining({ mediaDeleted: 5 })]);
  });
});
