// Staff management (admins; everyone may set their own WhatsApp number: see updateStaffMember).
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createStaffMember, listStaff, newStaffSchema, staffPatchSchema, unlockStaffLogin, updateStaffMember } from "../auth/staff";
import { getDb } from "../db/client";
import { disconnectSessionFromRoom, disconnectStaffFromRoom } from "../inbox/publish";
import { valid } from "./validate";

const admin = requireRole("admin");
const idParam = valid("param", z.object({ id: z.string().min(1).max(64) }));
/** One's own entry (the WhatsApp number, checked in updateStaffMember) or an admin; before the body is read. */
const selfOrAdmin = createMiddleware<AuthedEnv>(async (c, next) => (c.req.param("id") === c.var.staff.id ? next() : admin(c, next)));

export const staffRoutes = new Hono<AuthedEnv>()
  .get("/staff", admin, async (c) => c.json({ staff: await listStaff(getDb(c.env.DB)) }))
  .post("/staff", admin, valid("json", newStaffSchema), async (c) => c.json({ staff: await createStaffMember(getDb(c.env.DB), c.req.valid("json")) }, 201))
  .patch("/staff/:id", selfOrAdmin, idParam, valid("json", staffPatchSchema), async (c) => {
    const staff = await updateStaffMember(
      {
        db: getDb(c.env.DB),
        disconnect: (id) => disconnectStaffFromRoom(c.env, id),
        disconnectSession: (hash) => disconnectSessionFromRoom(c.env, hash),
      },
      { staff: c.var.staff, tokenHash: c.var.sessionHash },
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json({ staff });
  })
  // Lifts every sign-in wait on this account (see docs/security.md).
  .post("/staff/:id/unlock", admin, idParam, async (c) => c.json({ ok: true, ...(await unlockStaffLogin(getDb(c.env.DB), c.req.valid("param").id)) }));
