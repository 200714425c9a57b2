// Own two-factor sign-in: set up (secret + otpauth URL for the QR code), enable with a code (returns
// the recovery codes once), disable with password and code. An admin can reset it for a lost phone.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, requireStaff, type AuthedEnv } from "../auth/middleware";
import { disableOwnTotp } from "../auth/totp-disable";
import { enableTotp, removeTotp, setupTotp, unusedRecoveryCodes } from "../auth/totp";
import { getStaff } from "../auth/staff";
import { getDb } from "../db/client";
import { valid } from "./validate";

const codeSchema = z.string({ error: "Bitte den Code eingeben" }).trim().min(1, { error: "Bitte den Code eingeben" }).max(32, { error: "Der Code ist zu lang" });
const enableBody = z.strictObject({ code: codeSchema });
const disableBody = z.strictObject({ password: z.string({ error: "Bitte das Passwort eingeben" }).min(1, { error: "Bitte das Passwort eingeben" }).max(200), code: codeSchema });

export const totpRoutes = new Hono<AuthedEnv>()
  .get("/auth/totp", requireStaff, async (c) => {
    const db = getDb(c.env.DB);
    const me = await getStaff(db, c.var.staff.id);
    return c.json({ enabled: me.totpEnabled, recoveryCodesLeft: me.totpEnabled ? await unusedRecoveryCodes(db, me.id) : 0 });
  })
  .post("/auth/totp/setup", requireStaff, async (c) => c.json(await setupTotp(getDb(c.env.DB), c.var.staff.id)))
  .post("/auth/totp/enable", requireStaff, valid("json", enableBody), async (c) =>
    c.json(await enableTotp(getDb(c.env.DB), c.var.staff.id, c.req.valid("json").code)),
  )
  .post("/auth/totp/disable", requireStaff, valid("json", disableBody), async (c) => {
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    await disableOwnTotp(getDb(c.env.DB), { staffId: c.var.staff.id, ip }, c.req.valid("json"));
    return c.json({ ok: true });
  })
  .post("/staff/:id/totp/reset", requireRole("admin"), async (c) => {
    const db = getDb(c.env.DB);
    const target = await getStaff(db, c.req.param("id"));
    await removeTotp(db, target.id);
    return c.json({ ok: true });
  });
