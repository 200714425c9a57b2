// Sign-in, sign-out and "who am I" for staff.
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { getAuthConfig } from "../auth/config";
import { requireStaff, type AuthedEnv } from "../auth/middleware";
import { changeOwnPassword, ownPasswordSchema } from "../auth/own-password";
import { deleteSession, SESSION_COOKIE, sha256Hex } from "../auth/sessions";
import { ensureFirstAdmin, getStaff, login } from "../auth/staff";
import { getDb } from "../db/client";
import { disconnectSessionFromRoom } from "../inbox/publish";
import { valid } from "./validate";
import { totpSetupRequired } from "../auth/totp-policy";

const loginSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(200),
  /** TOTP code or recovery code (two-factor sign-in). */
  totp: z.string().max(32).optional(),
});

// A limit's wait also goes out as the Retry-After header (routes/errors.ts), for clients and proxies that read it.
export const authRoutes = new Hono<AuthedEnv>()
  .post("/auth/login", valid("json", loginSchema), async (c) => {
    const db = getDb(c.env.DB);
    const cfg = getAuthConfig(c.env);
    await ensureFirstAdmin(db, cfg);
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const { staff, session } = await login(db, cfg, { ...c.req.valid("json"), ip });
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
      expires: new Date(session.expiresAt),
    });
    return c.json({ staff, totpSetupRequired: await totpSetupRequired(db, staff) });
  })
  .post("/auth/logout", async (c) => {
    // Works without a valid session too, so a stale cookie can always be cleared.
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const hash = await sha256Hex(token);
      await deleteSession(getDb(c.env.DB), hash);
      await disconnectSessionFromRoom(c.env, hash);
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.json({ ok: true });
  })
  // Any signed-in staff member changes their own password; other sessions end (docs/security.md).
  .post("/auth/password", requireStaff, valid("json", ownPasswordSchema), async (c) => {
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const result = await changeOwnPassword(
      { db: getDb(c.env.DB), disconnectSession: (hash) => disconnectSessionFromRoom(c.env, hash) },
      { staffId: c.var.staff.id, tokenHash: c.var.sessionHash, ip },
      c.req.valid("json"),
    );
    return c.json({ ok: true, ...result });
  })
  .get("/me", requireStaff, async (c) => {
    const staff = await getStaff(getDb(c.env.DB), c.var.staff.id);
    // From the session lookup: a passkey sign-in meets the town's two-factor rule (docs/trust.md).
    return c.json({ staff, totpSetupRequired: c.var.staff.mustSetUpTotp ?? false });
  });
