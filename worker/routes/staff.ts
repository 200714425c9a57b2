// Staff management (admins only).
import { Hono } from "hono";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createStaffMember, listStaff, newStaffSchema, staffPatchSchema, unlockStaffLogin, updateStaffMember } from "../auth/staff";
import { getDb } from "../db/client";
import { disconnectSessionFromRoom, disconnectStaffFromRoom } from "../inbox/publish";
import { jsonBody } from "./validate";

export const staffRoutes = new Hono<AuthedEnv>();

staffRoutes.use("/staff", requireRole("admin"));
staffRoutes.use("/staff/*", requireRole("admin"));

staffRoutes.get("/staff", async (c) => c.json({ staff: await listStaff(getDb(c.env.DB)) }));

staffRoutes.post("/staff", async (c) => {
  const input = await jsonBody(c, newStaffSchema);
  return c.json({ staff: await createStaffMember(getDb(c.env.DB), input) }, 201);
});

staffRoutes.patch("/staff/:id", async (c) => {
  const patch = await jsonBody(c, staffPatchSchema);
  const staff = await updateStaffMember(
    {
      db: getDb(c.env.DB),
      disconnect: (id) => disconnectStaffFromRoom(c.env, id),
      disconnectSession: (hash) => disconnectSessionFromRoom(c.env, hash),
    },
    { staff: c.var.staff, tokenHash: c.var.sessionHash },
    c.req.param("id"),
    patch,
  );
  return c.json({ staff });
});

// Lifts every sign-in wait on this account (see docs/security.md).
staffRoutes.post("/staff/:id/unlock", async (c) => c.json({ ok: true, ...(await unlockStaffLogin(getDb(c.env.DB), c.req.param("id"))) }));
