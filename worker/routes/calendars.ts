// Channel calendars (waste collection, events) and the street list. Everyone signed in may read;
// editors change calendars, draft newsletters from them and upload the street list.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { broadcastDetail } from "../broadcasts/views";
import { draftFromCalendar } from "../calendars/newsletter-draft";
import { putCalendarSchema } from "../calendars/schemas";
import { calendarView, deleteCalendar, listCalendars, saveCalendar } from "../calendars/store";
import { listStreets, parseStreetCsv, saveStreets } from "../calendars/streets";
import { getDb } from "../db/client";
import { AppError } from "../shared/errors";
import { jsonBody, parseWith } from "./validate";

export const calendarRoutes = new Hono<AuthedEnv>();

const editor = requireRole("editor");
const idParam = z.object({ id: z.string().min(1).max(64) });
const channelIdOf = (c: { req: { param: (k: "id") => string } }) => parseWith(idParam, { id: c.req.param("id") }).id;

calendarRoutes.get("/calendars", async (c) => c.json({ calendars: await listCalendars(getDb(c.env.DB)) }));

calendarRoutes.get("/channels/:id/calendar", async (c) => c.json({ calendar: await calendarView(getDb(c.env.DB), channelIdOf(c)) }));

calendarRoutes.put("/channels/:id/calendar", editor, async (c) => {
  const id = channelIdOf(c);
  const input = await jsonBody(c, putCalendarSchema);
  const db = getDb(c.env.DB);
  await saveCalendar(db, id, input);
  return c.json({ calendar: await calendarView(db, id) });
});

calendarRoutes.delete("/channels/:id/calendar", editor, async (c) => {
  await deleteCalendar(getDb(c.env.DB), channelIdOf(c));
  return c.json({ ok: true });
});

calendarRoutes.post("/channels/:id/calendar/draft", editor, async (c) => {
  const db = getDb(c.env.DB);
  const row = await draftFromCalendar(db, channelIdOf(c), c.var.staff.id);
  return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
});

calendarRoutes.get("/calendars/streets", async (c) => c.json({ streets: await listStreets(getDb(c.env.DB)) }));

/** Body: {csv: "Bahnstraße;Müll Zone 2\n…"}; replaces the whole list. */
calendarRoutes.put("/calendars/streets", editor, async (c) => {
  const { csv } = await jsonBody(c, z.strictObject({ csv: z.string().max(512 * 1024, "Die Liste ist zu groß (höchstens 512 KB)") }));
  const db = getDb(c.env.DB);
  if (!csv.trim()) throw new AppError(422, "invalid_street_list", "Die Liste ist leer");
  await saveStreets(db, await parseStreetCsv(db, csv));
  return c.json({ streets: await listStreets(db) });
});
