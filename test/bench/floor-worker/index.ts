// Returns 200 after one D1 insert: what any webhook handler costs at least. /d1/* measure local D1 alone.
interface FloorEnv {
  DB: D1Database;
}
let ready: Promise<unknown> | null = null;

export default {
  async fetch(request, env) {
    ready ??= env.DB.prepare("CREATE TABLE IF NOT EXISTS hits (id TEXT PRIMARY KEY, body TEXT, at INTEGER)").run();
    await ready;
    const path = new URL(request.url).pathname;
    if (path === "/api/health") return new Response("ok");
    // The local D1's own ceiling (d1.bench.mjs): 10 indexed reads, one after another or as one batch.
    const read = () => env.DB.prepare("SELECT id FROM hits WHERE id = ?").bind(crypto.randomUUID());
    if (path === "/d1/reads") {
      for (let i = 0; i < 10; i++) await read().first();
      return new Response("ok");
    }
    if (path === "/d1/batch") {
      await env.DB.batch(Array.from({ length: 10 }, read));
      return new Response("ok");
    }
    const body = await request.text();
    await env.DB.prepare("INSERT INTO hits (id, body, at) VALUES (?, ?, ?)").bind(crypto.randomUUID(), body, Date.now()).run();
    return new Response("EVENT_RECEIVED");
  },
} satisfies ExportedHandler<FloorEnv>;
