// Subscribers (staff API): list with counts, details with consent history, subscribe/unsubscribe on
// a citizen's behalf, GDPR export (editors) and erasure (admins), and the growth chart data.
import { Hono } from "hono";
import { z } from "zod";
import { currentStaff, requireRole, type AuthedEnv } from "../auth/middleware";
import { roleAtLeast } from "../auth/roles";
import { eraseCitizen, exportCitizen } from "../citizens/gdpr";
import { subscriberGrowth } from "../citizens/growth";
import { CURSOR_PATTERN, getSubscriber, listSubscribers, SUBSCRIBER_STATUSES } from "../citizens/subscribers";
import { checkStaffResubscribe } from "../citizens/resubscribe";
import { changeSubscriptions, existingChannelIds, subscriptionsOf } from "../citizens/subscriptions";
import { getDb } from "../db/client";
import { AppError, forbidden } from "../shared/errors";
import { jsonBody, queryOf, searchText } from "./validate";

const listQuery = z.object({
  channel: z.string().min(1).max(100).optional(),
  q: searchText.optional(),
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  cursor: z.string().regex(CURSOR_PATTERN, "Ungültiger Cursor").optional(),
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
  .refine((b) => (b.subscribe?.length ?? 0) + (b.unsubscribe?.length ?? 0) > 0, "subscribe oder unsubscribe angeben")
  .refine((b) => !b.subscribe?.some((id) => b.unsubscribe?.includes(id)), "Ein Kanal kann nicht gleichzeitig an- und abgemeldet werden");

const eraseSchema = z.object({ confirm: z.literal(true, "Bitte die Löschung bestätigen ({\"confirm\": true})") });

const growthQuery = z.object({ days: z.coerce.number().int().min(1).max(365).optional() });

export const subscriberRoutes = new Hono<AuthedEnv>();

subscriberRoutes.get("/subscribers", async (c) => c.json(await listSubscribers(getDb(c.env.DB), queryOf(c, listQuery))));

subscriberRoutes.get("/subscribers/:id", async (c) => c.json(await getSubscriber(getDb(c.env.DB), c.req.param("id"))));

/** Any staff member may unsubscribe a citizen who asks for it; subscribing on their behalf needs an editor. */
subscriberRoutes.post("/subscribers/:id/subscriptions", async (c) => {
  const body = await jsonBody(c, subscriptionChangeSchema);
  const staff = currentStaff(c);
  if (body.subscribe?.length && !roleAtLeast(staff.role, "editor")) {
    throw forbidden("Anmelden im Namen einer Person dürfen nur Redakteure und Admins");
  }
  const db = getDb(c.env.DB);
  const { subscriber } = await getSubscriber(db, c.req.param("id"));
  if (subscriber.erasedAt) throw new AppError(409, "erased", "Diese Person wurde gelöscht");
  const wanted = [...(body.subscribe ?? []), ...(body.unsubscribe ?? [])];
  const known = await existingChannelIds(db, wanted);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length) throw new AppError(400, "unknown_channel", "Unbekannter Kanal", { channels: unknown });
  const open = await existingChannelIds(db, body.subscribe ?? [], { openOnly: true });
  const archived = (body.subscribe ?? []).filter((id) => !open.includes(id));
  if (archived.length) throw new AppError(400, "archived_channel", "Archivierte Kanäle können nicht abonniert werden", { channels: archived });
  // STOP wins: re-subscribing needs the citizen's new request, recorded with a reason.
  const consent = body.subscribe?.length ? await checkStaffResubscribe(db, subscriber.id, body.citizenRequest) : { reason: null };
  await changeSubscriptions(db, {
    citizenId: subscriber.id,
    subscribe: body.subscribe,
    unsubscribe: body.unsubscribe,
    source: "staff",
    staffId: staff.id,
    ...consent,
  });
  return c.json({ subscriptions: await subscriptionsOf(db, subscriber.id) });
});

subscriberRoutes.get("/subscribers/:id/export", requireRole("editor"), async (c) => {
  const data = await exportCitizen(getDb(c.env.DB), c.req.param("id"));
  const day = data.exportedAt.slice(0, 10);
  c.header("Content-Disposition", `attachment; filename="townwire-export-${data.citizen.id}-${day}.json"`);
  c.header("Cache-Control", "no-store");
  return c.json(data);
});

subscriberRoutes.post("/subscribers/:id/erase", requireRole("admin"), async (c) => {
  await jsonBody(c, eraseSchema);
  const result = await eraseCitizen(getDb(c.env.DB), c.env.MEDIA, c.req.param("id"), currentStaff(c).id);
  return c.json({ erased: result });
});

subscriberRoutes.get("/stats/subscriber-growth", async (c) => {
  const { days } = queryOf(c, growthQuery);
  return c.json(await subscriberGrowth(getDb(c.env.DB), days ?? 30));
});
