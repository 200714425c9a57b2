// The staff app's page (index.html, and the same page for every client-side route) comes through the
// Worker rather than straight from the assets binding, so it carries headers that depend on the
// configuration (its CSP names the map tile server). Hashed files under /assets and widget.js are
// still served by the binding directly (wrangler.toml run_worker_first).
import type { Context } from "hono";
import type { Env } from "../env";

const WORKER_PATHS = /^\/(api|webhooks|__dev|parties)(\/|$)/;

export async function serveAppShell(c: Context<{ Bindings: Env }>): Promise<Response> {
  if (WORKER_PATHS.test(c.req.path)) return c.notFound();
  const res = await c.env.ASSETS.fetch(c.req.raw);
  // A copy, so the security-header middleware can add to its headers.
  return new Response(res.body, res);
}
