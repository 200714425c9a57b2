// Worker entry: realtime party routes first, then the Hono app; queue and cron handlers.
import { routePartykitRequest } from "partyserver";
import { createApp } from "./app";
import type { Env } from "./env";
import { handleQueue } from "./queues/consumer";
import { runScheduled } from "./scheduled";
// Registers the broadcast fan-out consumer and its minute cron task.
import "./broadcasts/register";
import "./citizens/register";
// Calendar reminders and the daily calendar refresh.
import "./calendars/register";
// Deletes expired sessions and old login rate-limit windows every minute.
import "./auth/register";
import { authorizeRoomConnection } from "./auth/room-auth";

export { InboxRoom } from "./inbox/room";
export { Pacer } from "./broadcasts/pacer";
export { Sender } from "./broadcasts/sender";
export { WhatsAppSimulator } from "./dev/simulator";

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/parties/")) {
      const routed = await routePartykitRequest(request, env, {
        onBeforeConnect: (req, lobby) => authorizeRoomConnection(req, env, lobby),
        onBeforeRequest: (req, lobby) => authorizeRoomConnection(req, env, lobby),
      });
      return routed ?? Response.json({ error: { code: "not_found", message: "Nicht gefunden" } }, { status: 404 });
    }
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    await handleQueue(batch, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
