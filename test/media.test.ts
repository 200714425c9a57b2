import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenWrites, setLastInbound } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string } };

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3, 4, 5]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const WEBP = new Uint8Array([...new TextEncoder().encode("RIFF"), 0x24, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8 ")]);
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");

const upload = (as: Awaited<ReturnType<typeof loginAs>> | undefined, bytes: Uint8Array<ArrayBuffer>, name = "foto.jpg", type = "image/jpeg", field = "file") => {
  const form = new FormData();
  form.append(field, new File([bytes], name, { type }));
  return api("/api/media", { as, body: form });
};

/** A stored object as the inbound media fetch leaves it. */
async function storedMedia(id: string, bytes: Uint8Array, mimeType: string, key = `media/sha256/${id}`, fileName: string | null = null) {
  await env.MEDIA.put(key, bytes);
  await env.DB.prepare("INSERT INTO media (id, status, r2_key, mime_type, size, file_name, created_at) VALUES (?, 'stored', ?, ?, ?, ?, ?)")
    .bind(id, key, mimeType, bytes.byteLength, fileName, Date.now())
    .run();
}

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

describe("GET /api/media/:id", () => {
  it("serves a stored photo to staff with its content type, nosniff and inline", async () => {
    const agent = await loginAs("agent");
    await storedMedia("m1", JPEG, "image/jpeg");
    const res = await api("/api/media/m1", { as: agent });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe("inline");
    expect(res.headers.get("cache-control")).toMatch(/^private/);
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);
  });

  it("needs a session", async () => {
    await storedMedia("m1", JPEG, "image/jpeg");
    const res = await api("/api/media/m1");
    expect(res.status).toBe(401);
  });

  it("finds objects only by media id: R2 keys, paths and unknown ids give 404", async () => {
    const agent = await loginAs("agent");
    await env.MEDIA.put("media/sha256/secret", new TextEncoder().encode("geheim"));
    await storedMedia("m1", JPEG, "image/jpeg");
    for (const path of [
      "/api/media/media%2Fsha256%2Fsecret",
      "/api/media/secret",
      "/api/media/..%2F..%2Fsecret",
      "/api/media/m2",
      "/api/media/M1",
    ]) {
      const res = await api(path, { as: agent });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("geheim");
    }
  });

  it("media that is still loading, failed or deleted is not served", async () => {
    const agent = await loginAs("agent");
    await env.DB.prepare("INSERT INTO media (id, status, mime_type, created_at) VALUES ('p1', 'pending', 'image/jpeg', 1), ('f1', 'failed', 'image/jpeg', 1), ('d1', 'deleted', 'image/jpeg', 1)").run();
    expect((await api("/api/media/p1", { as: agent })).status).toBe(409);
    expect((await api("/api/media/f1", { as: agent })).status).toBe(404);
    expect((await api("/api/media/d1", { as: agent })).status).toBe(404);
    // A row whose object vanished from R2.
    await env.DB.prepare("INSERT INTO media (id, status, r2_key, mime_type, created_at) VALUES ('g1', 'stored', 'media/sha256/weg', 'image/jpeg', 1)").run();
    expect((await api("/api/media/g1", { as: agent })).status).toBe(404);
  });

  it("a file that could run in the browser (HTML, SVG) is only offered as a download", async () => {
    const agent = await loginAs("agent");
    await storedMedia("h1", new TextEncoder().encode("<script>alert(1)</script>"), "text/html", "media/sha256/h1", "rechnung.html");
    await storedMedia("s1", new TextEncoder().encode("<svg onload=alert(1)>"), "image/svg+xml");
    for (const id of ["h1", "s1"]) {
      const res = await api(`/api/media/${id}`, { as: agent });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await api("/api/media/h1", { as: agent })).headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''rechnung.html");
  });
});

describe("POST /api/media", () => {
  it("stores JPEG, PNG and WebP images and returns their id and URL", async () => {
    const agent = await loginAs("agent");
    for (const [bytes, type] of [[JPEG, "image/jpeg"], [PNG, "image/png"], [WEBP, "image/webp"]] as const) {
      const res = await upload(agent, bytes, "bild", type);
      expect(res.status).toBe(201);
      const { media } = await res.json<{ media: { id: string; mimeType: string; size: number; url: string } }>();
      expect(media).toMatchObject({ mimeType: type, size: bytes.byteLength, url: `/api/media/${media.id}` });
      const back = await api(media.url, { as: agent });
      expect(back.headers.get("content-type")).toBe(type);
      expect(new Uint8Array(await back.arrayBuffer())).toEqual(bytes);
    }
    const row = await env.DB.prepare("SELECT uploaded_by, status FROM media LIMIT 1").first<{ uploaded_by: string; status: string }>();
    expect(row).toEqual({ uploaded_by: agent.staff.id, status: "stored" });
  });

  it("judges the type by the bytes: a GIF or a script named .jpg is refused with 415", async () => {
    const agent = await loginAs("agent");
    for (const [bytes, name, type] of [
      [GIF, "x.gif", "image/gif"],
      [new TextEncoder().encode("<html><script>alert(1)</script>"), "foto.jpg", "image/jpeg"],
      [new TextEncoder().encode("<svg/>"), "x.svg", "image/svg+xml"],
    ] as const) {
      const res = await upload(agent, bytes, name, type);
      expect(res.status, name).toBe(415);
      expect((await res.json<ErrorBody>()).error.code).toBe("unsupported_media_type");
    }
    expect(await count("media")).toBe(0);
  });

  it("refuses files over 5 MB with 413, empty files and missing fields with 400", async () => {
    const agent = await loginAs("agent");
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(JPEG);
    const res = await upload(agent, big);
    expect(res.status).toBe(413);
    expect((await res.json<ErrorBody>()).error.code).toBe("file_too_large");
    const exact = new Uint8Array(5 * 1024 * 1024);
    exact.set(JPEG);
    expect((await upload(agent, exact)).status).toBe(201);
    expect((await upload(agent, new Uint8Array(0))).status).toBe(400);
    expect((await upload(agent, JPEG, "a.jpg", "image/jpeg", "bild")).status).toBe(400);
    expect((await api("/api/media", { as: agent, body: { file: "x" } })).status).toBe(400);
  });
});

describe("photo replies", () => {
  it("upload the stored photo to WhatsApp and send it with the caption", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Wo ist das Fundbüro?", { from: "436641234567" });
    const { media } = await (await upload(agent, JPEG, "plan.jpg")).json<{ media: { id: string } }>();
    const res = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text: "Hier der Plan", mediaId: media.id } });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ type: "image", status: "sent", text: "Hier der Plan", mediaUrl: `/api/media/${media.id}`, mediaMimeType: "image/jpeg" });
    expect(graph.uploads).toHaveLength(1);
    expect(graph.uploads[0]).toMatchObject({ mimeType: "image/jpeg", size: JPEG.byteLength });
    expect(graph.messages()[0]?.body).toMatchObject({
      to: "436641234567",
      type: "image",
      image: { id: graph.uploads[0]?.id, caption: "Hier der Plan" },
      biz_opaque_callback_data: `m:${message.id}`,
    });
  });

  it("refuses an unknown media id with 422 and a photo outside the window with 422 outside_window", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    const bad = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text: "", mediaId: "gibtsnicht" } });
    expect(bad.status).toBe(422);
    expect((await bad.json<ErrorBody>()).error.code).toBe("media_unavailable");
    const { media } = await (await upload(agent, PNG, "x.png", "image/png")).json<{ media: { id: string } }>();
    await setLastInbound(c.citizenId, 25);
    const late = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text: "", mediaId: media.id } });
    expect(late.status).toBe(422);
    expect((await late.json<ErrorBody>()).error.code).toBe("outside_window");
    expect(graph.sent).toHaveLength(0);
  });
});

describe("GET /api/templates", () => {
  it("lists templates from the templates table", async () => {
    const agent = await loginAs("agent");
    await env.DB.prepare(
      "INSERT INTO templates (id, name, language, status, body, parameter_count) VALUES ('t1', 'meldung_status', 'de', 'APPROVED', 'Neuigkeiten: {{1}}', 1), ('t2', 'alt', 'de', 'REJECTED', 'x', 0)",
    ).run();
    const all = await (await api("/api/templates", { as: agent })).json<{ templates: { name: string }[] }>();
    expect(all.templates.map((t) => t.name)).toEqual(["alt", "meldung_status"]);
    const approved = await (await api("/api/templates?status=APPROVED", { as: agent })).json<{ templates: unknown[] }>();
    expect(approved.templates).toEqual([
      {
        id: "t1",
        name: "meldung_status",
        language: "de",
        category: "UTILITY",
        status: "APPROVED",
        rejectedReason: null,
        body: "Neuigkeiten: {{1}}",
        components: [{ type: "BODY", text: "Neuigkeiten: {{1}}" }],
        parameterCount: 1,
        source: "manual",
        updatedAt: expect.any(Number),
      },
    ]);
    expect((await api("/api/templates?status=kaputt", { as: agent })).status).toBe(400);
  });
});
