// Builds the Hono app: middleware and route modules, nothing else.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError, type Env } from "./env";
import { AppError } from "./shared/errors";
import { webhookRoutes } from "./routes/webhooks";

export function createApp() {
  const app = new Hono<{ Bindings: Env }>();

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: "http_error", message: err.message || "Request failed" } }, err.status);
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      return c.json({ error: { code: "misconfigured", message: "Server is not configured; see the README" } }, 503);
    }
    console.error("unhandled error", err);
    return c.json({ error: { code: "internal", message: "Interner Fehler" } }, 500);
  });

  app.notFound((c) => c.json({ error: { code: "not_found", message: "Nicht gefunden" } }, 404));

  app.get("/api/health", (c) => c.json({ ok: true }));
  app.route("/webhooks", webhookRoutes);

  return app;
}
