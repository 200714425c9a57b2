// Inbound media: capped at WhatsApp's size limits, streamed into R2 under the hash Graph names
// (checked while storing), and an over-limit file is marked failed with a reason, never retried.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../worker/index";
import { getDb } from "../worker/db/client";
import { getConfig } from "../worker/env";
import { fetchInboundMedia, maxMediaBytes, normalizeSha256, r2KeyFor } from "../worker/media/fetch-inbound";
import { clientFromConfig } from "../worker/whatsapp";
import { metaMessages } from "./fixtures/meta-messages";
import { installFakeGraph, MEDIA_HOST, type FakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue, postWebhook } from "./helpers/meta";

const MiB = 1024 * 1024;
const MEDIA_ID = metaMessages.image.image.id;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes.slice());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fileOf(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** A citizen's message with this media (image by default) → the pending media row's id. */
async function inbound(type: "image" | "video" | "document" | "sticker" = "image", waMediaId: string = MEDIA_ID): Promise<string> {
  const base = metaMessages.image;
  const mime = { image: "image/jpeg", video: "video/mp4", document: "application/pdf", sticker: "image/webp" }[type];
  const msg = { ...base, id: `wamid.${type}.${waMediaId}`, type, [type]: { id: waMediaId, mime_type: mime } };
  if (type !== "image") delete (msg as Record<string, unknown>).image;
  await postWebhook(envelope(messageValue(msg)));
  const row = await env.DB.prepare("SELECT id FROM media WHERE wa_media_id = ?").bind(waMediaId).first<{ id: string }>();
  if (!row) throw new Error("no media row");
  return row.id;
}

const deps = () => ({ db: getDb(env.DB), bucket: env.MEDIA, whatsapp: clientFromConfig(getConfig(env)) });
const rowOf = (id: string) =>
  env.DB.prepare("SELECT status, error, r2_key, sha256, size, mime_type FROM media WHERE id = ?")
    .bind(id)
    .first<{ status: string; error: string | null; r2_key: string | null; sha256: string | null; size: number | null; mime_type: string }>();

async function runJob(mediaId: string, attempts = 1) {
  const batch = createMessageBatch("townwire-jobs", [{ id: `job-${attempts}`, timestamp: new Date(), attempts, body: { type: "media.fetch", mediaId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
/** Downloads from WhatsApp's media host so far (the fake Graph is a spy on fetch). */
const downloads = () =>
  vi
    .mocked(globalThis.fetch)
    .mock.calls.map(([input]) => (typeof input === "string" ? input : input instanceof URL ? input.href : input.url))
    .filter((url) => url.startsWith(MEDIA_HOST));
afterEach(() => graph.restore());

describe("WhatsApp's size limits", () => {
  it("are 5 MB for images, 500 KB for stickers, 16 MB for video and audio, 100 MB for documents", () => {
    expect(maxMediaBytes("image/jpeg")).toBe(5 * MiB);
    expect(maxMediaBytes("image/png")).toBe(5 * MiB);
    expect(maxMediaBytes("image/webp")).toBe(500 * 1024);
    expect(maxMediaBytes("video/mp4")).toBe(16 * MiB);
    expect(maxMediaBytes("audio/ogg; codecs=opus")).toBe(16 * MiB);
    expect(maxMediaBytes("application/pdf")).toBe(100 * MiB);
  });

  it("a file Graph declares too large is marked failed with a reason, without downloading it, and the job is not retried", async () => {
    graph.addMedia(MEDIA_ID, fileOf(1000), "image/jpeg", { fileSize: 6 * MiB });
    const id = await inbound("image");
    const result = await runJob(id);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const row = await rowOf(id);
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/^Datei zu groß: 6 MB .*höchstens 5 MB/);
    expect(downloads()).toEqual([]);
  });

  it("a download whose Content-Length is over the limit is refused before it is read", async () => {
    graph.addMedia("st1", fileOf(600 * 1024), "image/webp", { fileSize: null });
    const id = await inbound("sticker", "st1");
    expect(await fetchInboundMedia(deps(), id)).toMatchObject({ result: "failed" });
    expect((await rowOf(id))?.error).toMatch(/zu groß/);
    expect((await env.MEDIA.list({ prefix: "media/" })).objects).toHaveLength(0);
  });

  it("without Content-Length, Graph's declared size bounds the stream: more bytes than declared are never stored", async () => {
    graph.addMedia(MEDIA_ID, fileOf(2000), "image/jpeg", { fileSize: 1000, contentLength: false });
    const id = await inbound("image");
    const out = await fetchInboundMedia(deps(), id);
    expect(out.result).toBe("retry");
    expect((await rowOf(id))?.status).toBe("pending");
    expect((await env.MEDIA.list({ prefix: "media/" })).objects).toHaveLength(0);
  });

  it("with neither Content-Length nor a declared size, the file is marked failed cleanly", async () => {
    graph.addMedia(MEDIA_ID, fileOf(2000), "image/jpeg", { fileSize: null, contentLength: false });
    const id = await inbound("image");
    expect(await fetchInboundMedia(deps(), id)).toMatchObject({ result: "failed" });
    expect((await rowOf(id))?.error).toMatch(/Dateigröße unbekannt/);
  });
});

describe("streaming into R2 under Graph's hash", () => {
  it("stores a 6 MB video streamed (no Content-Length, declared size), keyed and checked by its SHA-256", async () => {
    const video = fileOf(6 * MiB, 3);
    graph.addMedia("v1", video, "video/mp4", { contentLength: false });
    const id = await inbound("video", "v1");
    expect(await fetchInboundMedia(deps(), id)).toMatchObject({ result: "stored" });
    const hash = await sha256Hex(video);
    expect(await rowOf(id)).toMatchObject({ status: "stored", sha256: hash, size: video.byteLength, r2_key: r2KeyFor(hash), mime_type: "video/mp4" });
    const obj = await env.MEDIA.get(r2KeyFor(hash));
    expect(obj?.size).toBe(video.byteLength);
    expect(await sha256Hex(new Uint8Array(await obj!.arrayBuffer()))).toBe(hash);
  }, 60_000);

  it("accepts Graph's hash in base64 too", async () => {
    const bytes = fileOf(3000);
    const hex = await sha256Hex(bytes);
    const b64 = btoa(String.fromCharCode(...hex.match(/../g)!.map((h) => parseInt(h, 16))));
    expect(normalizeSha256(b64)).toBe(hex);
    graph.addMedia(MEDIA_ID, bytes, "image/jpeg", { sha256: b64 });
    const id = await inbound("image");
    expect(await fetchInboundMedia(deps(), id)).toMatchObject({ result: "stored", r2Key: r2KeyFor(hex) });
  });

  it("a file already stored under Graph's hash is not downloaded again", async () => {
    const bytes = fileOf(3000);
    graph.addMedia(MEDIA_ID, bytes, "image/jpeg");
    // Served bytes that would fail the hash check: only a download could notice.
    graph.addMedia("again", fileOf(3000, 99), "image/jpeg", { sha256: await sha256Hex(bytes) });
    const first = await inbound("image");
    expect(await fetchInboundMedia(deps(), first)).toMatchObject({ result: "stored" });
    const second = await inbound("image", "again");
    expect(await fetchInboundMedia(deps(), second)).toMatchObject({ result: "stored", r2Key: r2KeyFor(await sha256Hex(bytes)) });
    expect(await rowOf(second)).toMatchObject({ status: "stored", size: 3000, sha256: await sha256Hex(bytes) });
  });

  it("bytes that do not match Graph's hash are never stored under it; the next attempt stores them under the file's own key", async () => {
    const bytes = fileOf(3000);
    graph.addMedia(MEDIA_ID, bytes, "image/jpeg", { sha256: "ab".repeat(32) });
    const id = await inbound("image");
    const first = await fetchInboundMedia(deps(), id);
    expect(first).toMatchObject({ result: "retry" });
    expect((await rowOf(id))?.error).toMatch(/^hash_mismatch/);
    expect(await env.MEDIA.head(r2KeyFor("ab".repeat(32)))).toBeNull();
    const second = await fetchInboundMedia(deps(), id);
    expect(second).toMatchObject({ result: "stored", r2Key: `media/id/${id}` });
    expect(await rowOf(id)).toMatchObject({ sha256: await sha256Hex(bytes), size: 3000, error: null });
  });

  it("a file without any hash from Graph is still stored (under its own key), with the streamed hash recorded", async () => {
    const bytes = fileOf(1234);
    graph.addMedia(MEDIA_ID, bytes, "application/pdf", { sha256: null });
    const id = await inbound("document");
    expect(await fetchInboundMedia(deps(), id)).toMatchObject({ result: "stored", r2Key: `media/id/${id}` });
    expect((await rowOf(id))?.sha256).toBe(await sha256Hex(bytes));
  });

  it("normalizeSha256 refuses what is not a SHA-256", () => {
    expect(normalizeSha256(undefined)).toBeNull();
    expect(normalizeSha256("x")).toBeNull();
    expect(normalizeSha256("AB".repeat(32))).toBe("ab".repeat(32));
    expect(normalizeSha256(btoa("kurz"))).toBeNull();
  });
});
