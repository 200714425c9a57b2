// Everything under /__dev: the WhatsApp simulator (fake Graph API, phone page and its API), the
// widget demo page and the demo seed. They exist only in this dev Worker, never in the product.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Env } from "./env";
import { DomainError, forbidden } from "../worker/shared/errors";
import { errorResponse } from "../worker/routes/errors";
import { SimulatorError } from "./errors";
import { graphRoutes } from "./graph-routes";
import { lookasideRoutes } from "./graph-auth";
import { phonePageHtml } from "./phone/page";
import { phoneRoutes } from "./phone-routes";
import { seedDemoData } from "./seed";
import { widgetDemoHtml } from "./widget-demo";

const notFound = { error: { code: "not_found", message: "Nicht gefunden" } } as const;

export const devRoutes = new Hono<{ Bindings: Env }>()
  .onError((err, c) => {
    if (err instanceof SimulatorError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
    }
    if (err instanceof DomainError) return errorResponse(err, c);
    console.error("simulator error", err);
    return c.json({ error: { code: "internal", message: "Interner Fehler im Simulator" } }, 500);
  })
  .notFound((c) => c.json(notFound, 404))
  // The product's headers without a CSP: the phone page sets its own; the widget demo stands in
  // for a town's site, which has none.
  .use(
    "*",
    secureHeaders({
      xFrameOptions: "DENY",
      referrerPolicy: "strict-origin-when-cross-origin",
      contentSecurityPolicy: undefined,
      strictTransportSecurity: false,
      overwrite: false,
    }),
  )
  // Browser-facing writes must come from this origin (a page elsewhere cannot drive the simulator).
  .on(["POST", "PUT", "PATCH", "DELETE"], ["/api/*", "/seed"], async (c, next) => {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) throw forbidden("Fremder Ursprung");
    await next();
  })
  .route("/graph/:version{v\\d+\\.\\d+}", graphRoutes)
  .route("/lookaside", lookasideRoutes)
  .route("/api", phoneRoutes)
  .get("/phone", async (c) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    c.header(
      "content-security-policy",
      `default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'`,
    );
    return c.html(await phonePageHtml(nonce));
  })
  .get("/widget-demo", (c) => c.html(widgetDemoHtml()))
  .post("/seed", async (c) => c.json(await seedDemoData(c.env)))
  .all("*", (c) => c.json(notFound, 404));
