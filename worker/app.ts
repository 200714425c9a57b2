// Builds the Hono app: middleware and route modules, nothing else.
import { Hono } from "hono";
import type { Env } from "./env";
import type { AuthedEnv } from "./auth/middleware";
import { errorResponse, notFoundResponse } from "./routes/errors";
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
import { passkeyRoutes } from "./routes/passkeys";
import { auditRoutes } from "./routes/audit";
import { auditTrail } from "./routes/audit-trail";
import { outreachRoutes } from "./routes/outreach";
import { pushRoutes } from "./routes/push";
import { openApiDocument } from "./routes/openapi";

/** The staff and widget API under /api: its type is what the staff app's typed client (`hc`) knows. */
const apiRoutes = new Hono<AuthedEnv>()
  .get("/health", (c) => c.json({ ok: true }))
  .route("/", authRoutes)
  .route("/", staffRoutes)
  .route("/", conversationRoutes)
  .route("/", mediaRoutes)
  .route("/", templateRoutes)
  .route("/", reportCategoryRoutes)
  .route("/", channelRoutes)
  .route("/", subscriberRoutes)
  .route("/", publicRoutes)
  .route("/", broadcastRoutes)
  .route("/", deadLetterRoutes)
  .route("/", alertRoutes)
  .route("/", webhookRejectRoutes)
  .route("/", reportRoutes)
  .route("/", uiConfigRoutes)
  .route("/", calendarRoutes)
  .route("/", reportMergeRoutes)
  .route("/", trustRoutes)
  .route("/", totpRoutes)
  .route("/", passkeyRoutes)
  .route("/", auditRoutes)
  .route("/", outreachRoutes)
  .route("/", pushRoutes);

export function createApp() {
  const app = new Hono<{ Bindings: Env }>();

  // One mapping from errors to status and German message (routes/errors.ts).
  app.onError(errorResponse);
  app.notFound(notFoundResponse);

  // Security headers (CSP with frame-ancestors 'none', nosniff, …) on everything the Worker answers.
  app.use("*", securityHeaders);

  // Bounded bodies before anything reads them (413), then sessions and the Origin check for all of
  // /api (except login, logout, health and /api/public/*).
  app.use("/api/*", requestBodyLimit);
  app.use("/webhooks/*", requestBodyLimit);
  app.use("/api/*", apiGuard);
  // After the session check, so the audit trail knows who acted (docs/trust.md).
  app.use("/api/*", auditTrail);
  const routed = app.route("/api", apiRoutes).route("/webhooks", webhookRoutes);
  // The API described from its routes and their zod schemas (routes/openapi.ts), built once per isolate.
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  app.get("/api/openapi.json", (c) => c.json((openApi ??= openApiDocument(app.routes))));
  // Public, read-only: feeds of public channels, the info screen, Open311 (docs/public-feeds-and-open311.md).
  app.route("/", feedRoutes);
  app.route("/", anzeigeRoutes);
  app.route("/open311", open311Routes);
  // The staff app's page, with its headers (assets under /assets are served without the Worker).
  app.get("*", serveAppShell);

  return routed;
}

/** The API's routes with their inputs and outputs, for `hc<AppType>` in the staff app (type only). */
export type AppType = ReturnType<typeof createApp>;
