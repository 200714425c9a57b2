// Sign-in, sign-out and "who am I" for staff.
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { getAuthConfig } from "../auth/config";
import { requireStaff, type AuthedEnv } from "../auth/middleware";
import { changeOwnPassword, ownPasswordSchema } from "../auth/own-password";
import { deleteSession, SESSION_COOKIE, sha256Hex } from "../auth/sessions";
import { ensureFirstAdmin, getStaff, login } from "../auth/staff";
import { getDb } from "../db/client";
import { disconnectSessionFromRoom } from "../inbox/publish";
import { AppError } from "../shared/errors";
import { jsonBody } from "./validate";
import { totpSetupRequired } from "../auth/totp-policy";

const loginSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(200),
  /** TOTP code or recovery code (two-factor sign-in). */
  totp: z.string().max(32).optional(),
});

export const authRoutes = new Hono<AuthedEnv>();

/** Rethrows, with a limit's wait also as the standard header, for clients and proxies that read it. */
const retryAfter = (c: Context) => (err: unknown): never => {
  const wait = err instanceof AppError ? err.details?.retryAfterSeconds : undefined;
  if (typeof wait === "number") c.header("Retry-After", String(wait));
  throw err;
};

authRoutes.post("/auth/login", async (c) => {
  const input = await jsonBody(c, loginSchema);
  const db = getDb(c.env.DB);
  const cfg = getAuthConfig(c.env);
  await ensureFirstAdmin(db, cfg);
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const { staff, session } = await login(db, cfg, { ...input, ip }).catch(retryAfter(c));
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    expires: new Date(session.expiresAt),
  });
  return c.json({ staff, totpSetupRequired: await totpSetupRequired(db, staff) });
});

authRoutes.post("/auth/logout", async (c) => {
  // Works without a valid session too, so a stale cookie can always be cleared.
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const hash = await sha256Hex(token);
    await deleteSession(getDb(c.env.DB), hash);
    await disconnectSessionFromRoom(c.env, hash);
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
  return c.json({ ok: true });
});

// Any signed-in staff member changes their own password; other sessions end (docs/security.md).
authRoutes.post("/auth/password", requireStaff, async (c) => {
  const input = await jsonBody(c, ownPasswordSchema);
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const result = await changeOwnPassword(
    { db: getDb(c.env.DB), disconnectSession: (hash) => disconnectSessionFromRoom(c.env, hash) },
    { staffId: c.var.staff.id, tokenHash: c.var.sessionHash, ip },
    input,
  ).catch(retryAfter(c));
  return c.json({ ok: true, ...result });
});

authRoutes.get("/me", requireStaff, async (c) => {
  const db = getDb(c.env.DB);
  const staff = await getStaff(db, c.var.staff.id);
  return c.json({ staff, totpSetupRequired: await totpSetupRequired(db, staff) });
});
