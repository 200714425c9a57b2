// Channel calendars (waste collection, events) and the street list. Everyone signed in may read;
// editors change calendars, draft newsletters from them and upload the street list.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { broadcastDetail } from "../broadcasts/views";
import { draftFromCalendar } from "../calendars/newsletter-draft";
import { putCalendarSchema } from "../calendars/schemas";
import { calendarView, deleteCalendar, listCalendars, saveCalendar } from "../calendars/store";
import { listStreets, replaceStreetList } from "../calendars/streets";
import { getDb } from "../db/client";
import { valid } from "./validate";

const editor = requireRole("editor");
const channelParam = valid("param", z.object({ id: z.string().min(1).max(64) }));
const streetsBody = z.strictObject({ csv: z.string().max(512 * 1024, "Die Straßenliste ist zu groß: höchstens 512 KB.") });

export const calendarRoutes = new Hono<AuthedEnv>()
  .get("/calendars", async (c) => c.json({ calendars: await listCalendars(getDb(c.env.DB)) }))
  .get("/channels/:id/calendar", channelParam, async (c) => c.json({ calendar: await calendarView(getDb(c.env.DB), c.req.valid("param").id) }))
  .put("/channels/:id/calendar", editor, channelParam, valid("json", putCalendarSchema), async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    await saveCalendar(db, id, c.req.valid("json"));
    return c.json({ calendar: await calendarView(db, id) });
  })
  .delete("/channels/:id/calendar", editor, channelParam, async (c) => {
    await deleteCalendar(getDb(c.env.DB), c.req.valid("param").id);
    return c.json({ ok: true });
  })
  .post("/channels/:id/calendar/draft", editor, channelParam, async (c) => {
    const db = getDb(c.env.DB);
    const row = await draftFromCalendar(db, c.req.valid("param").id, c.var.staff.id);
    return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
  })
  .get("/calendars/streets", async (c) => c.json({ streets: await listStreets(getDb(c.env.DB)) }))
  /** Body: {csv: "Bahnstraße;Müll Zone 2\n…"}; replaces the whole list. */
  .put("/calendars/streets", editor, valid("json", streetsBody), async (c) => {
    const db = getDb(c.env.DB);
    await replaceStreetList(db, c.req.valid("json").csv);
    return c.json({ streets: await listStreets(db) });
  });
