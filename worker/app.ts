// Builds the Hono app: middleware and route modules, nothing else.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError, type Env } from "./env";
import { AppError } from "./shared/errors";
import { webhookRoutes } from "./routes/webhooks";
import { apiGuard } from "./auth/middleware";
import { requestBodyLimit } from "./routes/body-limits";
import { securityHeaders } from "./routes/security-headers";
import { serveAppShell } from "./routes/app-shell";
import { authRoutes } from "./routes/auth";
import { staffRoutes } from "./routes/staff";
import { conversationRoutes } from "./routes/conversations";
import { mediaRoutes } from "./routes/media";
import { templateRoutes } from "./routes/templates";
import { reportCategoryRoutes } from "./routes/report-categories";
import { channelRoutes } from "./routes/channels";
import { subscriberRoutes } from "./routes/subscribers";
import { publicRoutes } from "./routes/public";
import { broadcastRoutes } from "./routes/broadcasts";
import { deadLetterRoutes } from "./routes/dead-letters";
import { alertRoutes } from "./routes/alerts";
import { webhookRejectRoutes } from "./routes/webhook-rejects";
import { reportRoutes } from "./routes/reports";
import { uiConfigRoutes } from "./routes/ui-config";
import { calendarRoutes } from "./routes/calendars";
import { feedRoutes } from "./routes/feeds";
import { anzeigeRoutes } from "./routes/anzeige";
import { open311Routes } from "./routes/open311";
import { reportMergeRoutes } from "./routes/report-merge";
import { trustRoutes } from "./routes/trust";
import { totpRoutes } from "./routes/totp";
import { auditRoutes } from "./routes/audit";
import { auditTrail } from "./routes/audit-trail";
import { outreachRoutes } from "./routes/outreach";

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

  // Security headers (CSP with frame-ancestors 'none', nosniff, …) on everything the Worker answers.
  app.use("*", securityHeaders);

  // Bounded bodies before anything reads them (413), then sessions and the Origin check for all of
  // /api (except login, logout, health and /api/public/*).
  app.use("/api/*", requestBodyLimit);
  app.use("/webhooks/*", requestBodyLimit);
  app.use("/api/*", apiGuard);
  // After the session check, so the audit trail knows who acted (docs/trust.md).
  app.use("/api/*", auditTrail);
  app.get("/api/health", (c) => c.json({ ok: true }));
  app.route("/api", authRoutes);
  app.route("/api", staffRoutes);
  app.route("/api", conversationRoutes);
  app.route("/api", mediaRoutes);
  app.route("/api", templateRoutes);
  app.route("/api", reportCategoryRoutes);
  app.route("/api", channelRoutes);
  app.route("/api", subscriberRoutes);
  app.route("/api", publicRoutes);
  app.route("/api", broadcastRoutes);
  app.route("/api", deadLetterRoutes);
  app.route("/api", alertRoutes);
  app.route("/api", webhookRejectRoutes);
  app.route("/api", reportRoutes);
  app.route("/api", reportMergeRoutes);
  app.route("/api", uiConfigRoutes);
  app.route("/api", calendarRoutes);
  app.route("/api", trustRoutes);
  app.route("/api", totpRoutes);
  app.route("/api", auditRoutes);
  app.route("/api", outreachRoutes);
  app.route("/webhooks", webhookRoutes);
  // Public, read-only: feeds of public channels, the info screen, Open311 (docs/public-feeds-and-open311.md).
  app.route("/", feedRoutes);
  app.route("/", anzeigeRoutes);
  app.route("/open311", open311Routes);
  // The staff app's page, with its headers (assets under /assets are served without the Worker).
  app.get("*", serveAppShell);

  return app;
}
