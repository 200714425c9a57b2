// Hono middleware for the staff API: session check, role check, and the Origin check that keeps
// other sites from making a signed-in browser change things (CSRF).
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { Forbidden, forbidden, MESSAGES, unauthorized } from "../shared/errors";
import { roleAtLeast, type Role, type StaffIdentity } from "./roles";
import { findSession, SESSION_COOKIE } from "./sessions";

export type { Role, StaffIdentity } from "./roles";

export type AuthedEnv = {
  Bindings: Env;
  Variables: {
    staff: StaffIdentity;
    /** SHA-256 of the session token (to sign out this session). */
    sessionHash: string;
    /** When this session was signed in (epoch ms). */
    sessionStartedAt: number;
    /** The account a passkey sign-in attempt was for, once known (for the audit trail). */
    loginEmail: string | undefined;
  };
};

/** Paths under /api that need no session (logout too: a stale cookie must still be clearable). */
export function isPublicApiPath(path: string): boolean {
  return (
    path === "/api/auth/login" ||
    path === "/api/auth/logout" ||
    path === "/api/auth/passkeys/login/options" ||
    path === "/api/auth/passkeys/login/verify" ||
    path === "/api/health" ||
    path === "/api/public" ||
    path.startsWith("/api/public/")
  );
}

/** 401 without a valid session; sets c.var.staff. Runs once even if mounted twice. */
export const requireStaff: MiddlewareHandler<AuthedEnv> = createMiddleware<AuthedEnv>(async (c, next) => {
  if (c.get("staff")) return next();
  const session = await findSession(getDb(c.env.DB), getCookie(c, SESSION_COOKIE));
  if (!session) throw unauthorized();
  c.set("staff", session.staff);
  c.set("sessionHash", session.tokenHash);
  c.set("sessionStartedAt", session.createdAt);
  await next();
});

/** 403 unless the signed-in staff member has at least this role (admin ⊃ editor ⊃ agent). */
export function requireRole(role: Role): MiddlewareHandler<AuthedEnv> {
  return createMiddleware<AuthedEnv>(async (c, next) => {
    let staff = c.get("staff");
    if (!staff) {
      await requireStaff(c, async () => {});
      staff = c.get("staff");
    }
    if (!roleAtLeast(staff.role, role)) throw forbidden();
    // Roles that can send broadcasts may be required to use two-factor sign-in (docs/trust.md).
    if (roleAtLeast(role, "editor") && staff.mustSetUpTotp) {
      throw new Forbidden("totp_setup_required", "Ihre Gemeinde verlangt die Zwei-Faktor-Anmeldung. Bitte richten Sie sie zuerst ein.");
    }
    await next();
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether the request's Origin header names this very site. */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  return origin === new URL(request.url).origin;
}

/** Typed access to the signed-in staff member inside a handler behind requireStaff. */
export const currentStaff = (c: Context<AuthedEnv>): StaffIdentity => c.get("staff");

/**
 * Guards all of /api: every route except login, logout, health and /api/public/* needs a session, and every
 * state-changing request (login included) must pass the Origin check. /api/public/* is the widget's
 * cross-origin API and checks its own allowed origins.
 *
 * Why not hono/csrf: it checks only the content types a plain HTML form can send (form, multipart,
 * text/plain) and lets every JSON request through, trusting the browser's CORS preflight; a request
 * without Origin passes too. Ours is stricter and as short: any POST/PUT/PATCH/DELETE must carry our own
 * Origin, whatever its type, so a future CORS or content-type mistake cannot open the staff API
 * (docs/api.md, "Same-origin protection").
 */
export const apiGuard: MiddlewareHandler<AuthedEnv> = createMiddleware<AuthedEnv>(async (c, next) => {
  const path = c.req.path;
  if (path === "/api/public" || path.startsWith("/api/public/")) return next();
  if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.raw)) {
    throw new Forbidden("bad_origin", MESSAGES.foreignOrigin);
  }
  if (isPublicApiPath(path)) return next();
  return requireStaff(c, next);
});
