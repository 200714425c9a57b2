// Returns 200 after one D1 insert: what any webhook handler costs at least.
interface FloorEnv {
  DB: D1Database;
}
let ready: Promise<unknown> | null = null;

export default {
  async fetch(request, env) {
    ready ??= env.DB.prepare("CREATE TABLE IF NOT EXISTS hits (id TEXT PRIMARY KEY, body TEXT, at INTEGER)").run();
    await ready;
    if (new URL(request.url).pathname === "/api/health") return new Response("ok");
    const body = await request.text();
    await env.DB.prepare("INSERT INTO hits (id, body, at) VALUES (?, ?, ?)").bind(crypto.randomUUID(), body, Date.now()).run();
    return new Response("EVENT_RECEIVED");
  },
} satisfies ExportedHandler<FloorEnv>;
