import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../worker/index";
import { getDb } from "../worker/db/client";
import { getConfig } from "../worker/env";
import { fetchInboundMedia, MAX_MEDIA_ATTEMPTS, r2KeyFor } from "../worker/media/fetch-inbound";
import { clientFromConfig } from "../worker/whatsapp";
import { metaMessages } from "./fixtures/meta-messages";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue, postWebhook } from "./helpers/meta";

const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xd9]);
const MEDIA_ID = metaMessages.image.image.id;

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function runMediaJob(mediaId: string, attempts = 1) {
  const batch = createMessageBatch("townwire-jobs", [
    { id: `job-${attempts}`, timestamp: new Date(), attempts, body: { type: "media.fetch", mediaId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

async function storedImage(): Promise<string> {
  await postWebhook(envelope(messageValue(metaMessages.image)));
  const row = await env.DB.prepare("SELECT id FROM media").first<{ id: string }>();
  return row!.id;
}

describe("inbound media → R2", () => {
  let graph: FakeGraph;
  beforeEach(() => {
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  it("fetches via GET {base}/{media-id} then the URL with the bearer token, stores by content hash", async () => {
    graph.addMedia(MEDIA_ID, PHOTO, "image/jpeg");
    const mediaId = await storedImage();
    const result = await runMediaJob(mediaId);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await env.DB.prepare("SELECT * FROM media WHERE id = ?").bind(mediaId).first<Record<string, unknown>>();
    const hash = await sha256Hex(PHOTO);
    expect(row).toMatchObject({ status: "stored", sha256: hash, mime_type: "image/jpeg", size: PHOTO.byteLength, r2_key: r2KeyFor(hash) });
    const obj = await env.MEDIA.get(r2KeyFor(hash));
    expect(obj?.httpMetadata?.contentType).toBe("image/jpeg");
    expect(new Uint8Array(await obj!.arrayBuffer())).toEqual(PHOTO);
  });

  it("retries with backoff when the download fails, then succeeds", async () => {
    graph.addMedia(MEDIA_ID, PHOTO);
    graph.failMediaLookups(MEDIA_ID, 2);
    const mediaId = await storedImage();
    const first = await runMediaJob(mediaId, 1);
    expect(first.retryMessages).toHaveLength(1);
    expect(await env.DB.prepare("SELECT status, error FROM media WHERE id = ?").bind(mediaId).first()).toMatchObject({ status: "pending" });
    expect((await runMediaJob(mediaId, 2)).retryMessages).toHaveLength(1);
    expect((await runMediaJob(mediaId, 3)).explicitAcks).toHaveLength(1);
    const row = await env.DB.prepare("SELECT status, attempts FROM media WHERE id = ?").bind(mediaId).first();
    expect(row).toEqual({ status: "stored", attempts: 3 });
  });

  it("backs off exponentially between attempts", async () => {
    graph.addMedia(MEDIA_ID, PHOTO);
    graph.failMediaLookups(MEDIA_ID, 2);
    const mediaId = await storedImage();
    const deps = { db: getDb(env.DB), bucket: env.MEDIA, whatsapp: clientFromConfig(getConfig(env)) };
    const a = await fetchInboundMedia(deps, mediaId);
    const b = await fetchInboundMedia(deps, mediaId);
    expect(a).toMatchObject({ result: "retry", delaySeconds: 2 });
    expect(b).toMatchObject({ result: "retry", delaySeconds: 4 });
  });

  it("marks the media failed (not lost) after the last attempt; the message stays", async () => {
    graph.addMedia(MEDIA_ID, PHOTO);
    graph.failMediaLookups(MEDIA_ID, 100);
    const mediaId = await storedImage();
    for (let i = 1; i < MAX_MEDIA_ATTEMPTS; i++) await runMediaJob(mediaId, i);
    const last = await runMediaJob(mediaId, MAX_MEDIA_ATTEMPTS);
    expect(last.explicitAcks).toHaveLength(1);
    const row = await env.DB.prepare("SELECT status, error FROM media WHERE id = ?").bind(mediaId).first<{ status: string; error: string }>();
    expect(row?.status).toBe("failed");
    expect(row?.error).toContain("131016");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE media_id = ?").bind(mediaId).first()).toEqual({ n: 1 });
  });

  it("a permanent Graph error fails at once without retrying", async () => {
    const mediaId = await storedImage(); // fake graph does not know this media id → code 100
    const result = await runMediaJob(mediaId);
    expect(result.retryMessages).toHaveLength(0);
    expect(await env.DB.prepare("SELECT status FROM media WHERE id = ?").bind(mediaId).first()).toEqual({ status: "failed" });
  });

  it("a redelivered job for already stored media is a no-op", async () => {
    graph.addMedia(MEDIA_ID, PHOTO);
    const mediaId = await storedImage();
    await runMediaJob(mediaId);
    const calls = graph.sent.length;
    const again = await runMediaJob(mediaId);
    expect(again.explicitAcks).toHaveLength(1);
    expect(graph.sent.length).toBe(calls);
    expect(await env.DB.prepare("SELECT attempts FROM media WHERE id = ?").bind(mediaId).first()).toEqual({ attempts: 1 });
  });

  it("the same photo sent twice is stored once in R2", async () => {
    graph.addMedia(MEDIA_ID, PHOTO);
    graph.addMedia("999", PHOTO);
    await postWebhook(envelope(messageValue(metaMessages.image)));
    await postWebhook(envelope(messageValue({ ...metaMessages.image, image: { ...metaMessages.image.image, id: "999" } })));
    const ids = (await env.DB.prepare("SELECT id FROM media").all<{ id: string }>()).results;
    for (const { id } of ids) await runMediaJob(id);
    const keys = await env.DB.prepare("SELECT DISTINCT r2_key FROM media").all();
    expect(keys.results).toHaveLength(1);
  });

  it("malformed job bodies are acknowledged and dropped, not retried forever", async () => {
    const batch = createMessageBatch("townwire-jobs", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { type: "nope" } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["bad"]);
  });
});

describe("an expired access token", () => {
  it("fails the media fetch and raises one admin alert", async () => {
    const graph = installFakeGraph();
    try {
      await postWebhook(envelope(messageValue(metaMessages.image)));
      const { id } = (await env.DB.prepare("SELECT id FROM media").first<{ id: string }>())!;
      const badEnv = { ...env, WHATSAPP_ACCESS_TOKEN: "expired" };
      const run = async () => {
        const batch = createMessageBatch("townwire-jobs", [{ id: "j", timestamp: new Date(), attempts: 1, body: { type: "media.fetch", mediaId: id } }]);
        const ctx = createExecutionContext();
        await worker.queue(batch, badEnv, ctx);
        return getQueueResult(batch, ctx);
      };
      await run();
      await env.DB.prepare("UPDATE media SET status = 'pending'").run();
      await run();
      const alerts = await env.DB.prepare("SELECT kind, message FROM admin_alerts").all<{ kind: string; message: string }>();
      expect(alerts.results).toHaveLength(1);
      expect(alerts.results[0]?.kind).toBe("whatsapp_token");
      expect(alerts.results[0]?.message).toContain("190");
    } finally {
      graph.restore();
    }
  });
});
