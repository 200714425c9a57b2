// Demo seed (worker/dev/seed.ts): runs once, all or nothing, and leaves a usable demo behind.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SEED_MARKER, seedDemoData } from "../seed";
import { simulator } from "../simulator";
import { count } from "../../test/helpers/db";
import { env, dev, ORIGIN, useSimulator } from "./helpers";

beforeEach(useSimulator);
afterEach(() => vi.restoreAllMocks());

async function snapshot() {
  const tables = ["channels", "citizens", "subscriptions", "consent_events", "conversations", "messages", "media", "templates", "staff", "settings"];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
}

describe("seedDemoData", () => {
  it("creates the demo channels, citizens, conversations, templates and the first admin", async () => {
    const result = await seedDemoData(env);
    expect(result).toEqual({ seeded: true, adminCreated: true, channels: 5, citizens: 9, conversations: 4 });
    const snippetTitles = await env.DB.prepare("SELECT title FROM snippets ORDER BY title").all<{ title: string }>();
    expect(snippetTitles.results.map((r) => r.title)).toContain("Öffnungszeiten Gemeindeamt");

    const channels = await env.DB.prepare("SELECT id, name, keyword, default_on, description FROM channels ORDER BY position").all();
    expect(channels.results.map((c) => [c.id, c.name, c.default_on])).toEqual([
      ["ch_newsletter", "Newsletter", 1],
      ["ch_adhoc", "Ad-hoc-Infos", 1],
      ["ch_events", "Events", 0],
      ["ch_freibad", "Freibad", 0],
      ["ch_brueckenlauf", "Brückenlauf", 0],
    ]);
    expect(channels.results[1]?.description).toMatch(/Baustellen, Straßensperren, Sicherheitswarnungen/);
    expect(channels.results.every((c) => typeof c.keyword === "string" && c.keyword.length > 0)).toBe(true);

    const admin = await env.DB.prepare("SELECT email, role FROM staff").first();
    expect(admin).toEqual({ email: "admin@gemeinde.test", role: "admin" });

    // Every subscription has its consent event; one citizen left a channel again.
    expect(await count("consent_events", "action = 'subscribe'")).toBe(await count("subscriptions"));
    expect(await count("consent_events", "action = 'unsubscribe'")).toBe(1);
    expect(await count("subscriptions", "active = 0")).toBe(1);

    const freibad = await env.DB.prepare("SELECT m.text FROM messages m JOIN citizens c ON c.id = m.citizen_id WHERE c.name = 'Anna Wagner' ORDER BY m.sent_at").all<{ text: string }>();
    expect(freibad.results[0]?.text).toMatch(/Freibad/);

    const report = await env.DB.prepare("SELECT id, report_category, report_status, report_latitude FROM conversations WHERE report_category IS NOT NULL").first<{ id: string; report_category: string; report_status: string; report_latitude: number }>();
    expect(report).toMatchObject({ report_category: "Vandalismus", report_status: "neu" });
    const types = await env.DB.prepare("SELECT type FROM messages WHERE conversation_id = ? ORDER BY sent_at").bind(report!.id).all<{ type: string }>();
    expect(types.results.map((r) => r.type)).toEqual(["text", "image", "location"]);

    // The photo is a real PNG in R2, linked through the media table as if it had been fetched.
    const media = await env.DB.prepare("SELECT status, r2_key, mime_type, size FROM media").first<{ status: string; r2_key: string; mime_type: string; size: number }>();
    expect(media).toMatchObject({ status: "stored", mime_type: "image/png" });
    const obj = await env.MEDIA.get(media!.r2_key);
    const bytes = new Uint8Array(await obj!.arrayBuffer());
    expect(bytes.byteLength).toBe(media!.size);
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    expect(await count("templates", "status = 'APPROVED'")).toBe(4);
    expect(await count("settings", `key = '${SEED_MARKER}'`)).toBe(1);

    // The citizen's simulated phone shows the same history, photo included.
    const chat = await simulator(env).chat("436762345602");
    expect(chat.name).toBe("Johann Gruber");
    const image = JSON.parse(chat.messages.find((m) => m.type === "image")!.contentJson) as { image: { id: string } };
    expect((await dev(`/__dev/api/media/${image.image.id}`)).headers.get("content-type")).toBe("image/png");
  });

  it("is consistent: whoever answered is the assignee and the author, no answer is 'Automatisch'", async () => {
    await seedDemoData(env);
    const admin = await env.DB.prepare("SELECT id FROM staff WHERE role = 'admin'").first<{ id: string }>();
    expect(admin).toBeTruthy();
    // Staff answers carry the staff member (the app labels messages without one "Automatisch").
    expect(await count("messages", "direction = 'out'")).toBeGreaterThan(0);
    expect(await count("messages", "direction = 'out' AND staff_id IS NULL")).toBe(0);
    const rows = await env.DB.prepare(
      `SELECT c.id, c.assignee_id, c.status,
              (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS answers,
              (SELECT group_concat(DISTINCT m.staff_id) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS authors
       FROM conversations c`,
    ).all<{ id: string; assignee_id: string | null; status: string; answers: number; authors: string | null }>();
    for (const r of rows.results) {
      if (r.answers > 0) expect(r, "an answered conversation belongs to who answered").toMatchObject({ assignee_id: admin!.id, authors: admin!.id });
      else expect(r.assignee_id, "nobody has taken an unanswered one yet").toBeNull();
    }
    expect(rows.results.filter((r) => r.answers > 0).length).toBe(2);
  });

  it("is idempotent: a second run changes nothing", async () => {
    await seedDemoData(env);
    const before = await snapshot();
    expect(await seedDemoData(env)).toMatchObject({ seeded: false, adminCreated: false });
    expect(await snapshot()).toEqual(before);
  });

  it("seeds exactly once when two runs race", async () => {
    const results = await Promise.all([seedDemoData(env), seedDemoData(env)]);
    expect(results.filter((r) => r.seeded)).toHaveLength(1);
    expect(await count("channels")).toBe(5);
    expect(await count("citizens")).toBe(9);
    expect(await count("staff")).toBe(1);
  });

  it("is exposed as POST /__dev/seed by the dev Worker only, never by the product", async () => {
    const off = await env.PRODUCT.fetch(new Request(`${ORIGIN}/__dev/seed`, { method: "POST" }));
    expect(off.status).toBe(404);
    expect(await count("channels")).toBe(0);
    const first = await dev("/__dev/seed", { method: "POST", headers: { origin: ORIGIN } });
    expect(await first.json()).toMatchObject({ seeded: true });
    const again = await dev("/__dev/seed", { method: "POST" });
    expect(await again.json()).toMatchObject({ seeded: false });
    expect((await dev("/__dev/seed", { method: "POST", headers: { origin: "https://evil.example" } })).status).toBe(403);
  });
});
