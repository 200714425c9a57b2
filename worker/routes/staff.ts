// Staff management (admins only).
import { Hono } from "hono";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createStaffMember, listStaff, newStaffSchema, staffPatchSchema, unlockStaffLogin, updateStaffMember } from "../auth/staff";
import { getDb } from "../db/client";
import { disconnectSessionFromRoom, disconnectStaffFromRoom } from "../inbox/publish";
import { AppError } from "../shared/errors";
import { jsonBody } from "./validate";

export const staffRoutes = new Hono<AuthedEnv>();

staffRoutes.use("/staff", requireRole("admin"));
const adminOnly = requireRole("admin");
staffRoutes.use("/staff/*", async (c, next) => {
  // Everyone may set their own WhatsApp number (for test-sends); everything else is for admins.
  const own = c.req.method === "PATCH" && new URL(c.req.url).pathname.endsWith(`/staff/${c.var.staff.id}`);
  return own ? next() : adminOnly(c, next);
});

staffRoutes.get("/staff", async (c) => c.json({ staff: await listStaff(getDb(c.env.DB)) }));

staffRoutes.post("/staff", async (c) => {
  const input = await jsonBody(c, newStaffSchema);
  return c.json({ staff: await createStaffMember(getDb(c.env.DB), input) }, 201);
});

staffRoutes.patch("/staff/:id", async (c) => {
  const patch = await jsonBody(c, staffPatchSchema);
  if (c.var.staff.role !== "admin" && Object.keys(patch).some((k) => k !== "phone")) {
    throw new AppError(403, "forbidden", "Nur die eigene WhatsApp-Nummer kann selbst geändert werden");
  }
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
