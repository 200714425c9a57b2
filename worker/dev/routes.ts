// Everything under /__dev: the WhatsApp simulator (fake Graph API, phone page and its API), the
// widget demo page and the demo seed. Exists only when DEV_SIMULATOR is true; otherwise every
// /__dev route answers 404, as if it did not exist.
import { Hono } from "hono";
import { configSchema, type Env } from "../env";
import { forbidden } from "../shared/errors";
import { graphRoutes } from "./graph-routes";
import { lookasideRoutes } from "./graph-auth";
import { phonePageHtml } from "./phone-page";
import { phoneRoutes } from "./phone-routes";
import { seedDemoData } from "./seed";
import { widgetDemoHtml } from "./widget-demo";

export function simulatorEnabled(env: Env): boolean {
  const parsed = configSchema.shape.DEV_SIMULATOR.safeParse(env.DEV_SIMULATOR);
  return parsed.success && parsed.data;
}

export const devRoutes = new Hono<{ Bindings: Env }>();

devRoutes.use("*", async (c, next) => {
  if (!simulatorEnabled(c.env)) return c.json({ error: { code: "not_found", message: "Nicht gefunden" } }, 404);
  await next();
});

// Browser-facing writes must come from this origin (a page elsewhere cannot drive the simulator).
devRoutes.on(["POST", "PUT", "PATCH", "DELETE"], ["/api/*", "/seed"], async (c, next) => {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) throw forbidden("Fremder Ursprung");
  await next();
});

devRoutes.route("/graph/:version{v\\d+\\.\\d+}", graphRoutes);
devRoutes.route("/lookaside", lookasideRoutes);
devRoutes.route("/api", phoneRoutes);

devRoutes.get("/phone", (c) => {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  c.header(
    "content-security-policy",
    `default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'`,
  );
  return c.html(phonePageHtml(nonce));
});

devRoutes.get("/widget-demo", (c) => c.html(widgetDemoHtml()));

devRoutes.post("/seed", async (c) => c.json(await seedDemoData(c.env)));

devRoutes.all("*", (c) => c.json({ error: { code: "not_found", message: "Nicht gefunden" } }, 404));
