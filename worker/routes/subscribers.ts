// Subscribers (staff API): list with counts, details with consent history, subscribe/unsubscribe on
// a citizen's behalf, GDPR export (editors) and erasure (admins), and the growth chart data.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { eraseCitizen, exportCitizen } from "../citizens/gdpr";
import { subscriberGrowth } from "../citizens/growth";
import { CURSOR_PATTERN, getSubscriber, listSubscribers, SUBSCRIBER_STATUSES } from "../citizens/subscribers";
import { changeSubscriptionsForCitizen } from "../citizens/staff-subscriptions";
import { getDb } from "../db/client";
import { searchText, valid } from "./validate";

const listQuery = z.object({
  channel: z.string().min(1).max(100).optional(),
  q: searchText.optional(),
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  cursor: z.string().regex(CURSOR_PATTERN, "Die Position in der Liste ist ungültig. Bitte die Liste neu laden.").optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

const channelIds = z.array(z.string().min(1).max(100)).max(50);
/** After STOP: the citizen's new request (when, and how staff learnt of it). */
const citizenRequest = z.object({
  reason: z.string().max(500, "Die Begründung darf höchstens 500 Zeichen lang sein."),
  citizenRequestedAt: z.number().int().min(0),
});
const subscriptionChangeSchema = z
  .object({ subscribe: channelIds.optional(), unsubscribe: channelIds.optional(), citizenRequest: citizenRequest.optional() })
  .refine((b) => (b.subscribe?.length ?? 0) + (b.unsubscribe?.length ?? 0) > 0, "Bitte mindestens einen Kanal zum An- oder Abmelden wählen.")
  .refine((b) => !b.subscribe?.some((id) => b.unsubscribe?.includes(id)), "Ein Kanal kann nicht gleichzeitig an- und abgemeldet werden. Bitte eines von beiden wählen.");

const eraseSchema = z.object({ confirm: z.literal(true, "Bitte die Löschung ausdrücklich bestätigen.") });

const growthQuery = z.object({ days: z.coerce.number().int().min(1).max(365).optional() });

const idParam = valid("param", z.object({ id: z.string().min(1).max(64) }));

export const subscriberRoutes = new Hono<AuthedEnv>()
  .get("/subscribers", valid("query", listQuery), async (c) => c.json(await listSubscribers(getDb(c.env.DB), c.req.valid("query"))))
  .get("/subscribers/:id", idParam, async (c) => c.json(await getSubscriber(getDb(c.env.DB), c.req.valid("param").id)))
  /** Any staff member may unsubscribe a citizen who asks for it; subscribing on their behalf needs an editor. */
  .post("/subscribers/:id/subscriptions", idParam, valid("json", subscriptionChangeSchema), async (c) => {
    const subscriptions = await changeSubscriptionsForCitizen(getDb(c.env.DB), c.var.staff, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ subscriptions });
  })
  .get("/subscribers/:id/export", requireRole("editor"), idParam, async (c) => {
    const data = await exportCitizen(getDb(c.env.DB), c.req.valid("param").id);
    const day = data.exportedAt.slice(0, 10);
    c.header("Content-Disposition", `attachment; filename="townwire-export-${data.citizen.id}-${day}.json"`);
    c.header("Cache-Control", "no-store");
    return c.json(data);
  })
  .post("/subscribers/:id/erase", requireRole("admin"), idParam, valid("json", eraseSchema), async (c) => {
    const result = await eraseCitizen(getDb(c.env.DB), c.env.MEDIA, c.req.valid("param").id, c.var.staff.id);
    return c.json({ erased: result });
  })
  .get("/stats/subscriber-growth", valid("query", growthQuery), async (c) =>
    c.json(await subscriberGrowth(getDb(c.env.DB), c.req.valid("query").days ?? 30)),
  );
