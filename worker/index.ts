// Worker entry: realtime party routes first, then the Hono app; the queues and the minute cron,
// each named here with the module that handles it.
import { routePartykitRequest } from "partyserver";
import { createApp } from "./app";
import type { Env } from "./env";
import { authorizeRoomConnection } from "./inbox/room-auth";
import { recordDeadLetters } from "./background/dead-letters";
import { handleJobBatch } from "./background/jobs";
import {
  auditRetention,
  cleanupAuth,
  dailyCleanup,
  recoverPendingMedia,
  recoverUnprocessedMessages,
  resendUnconfirmedMessages,
  runMinuteTasks,
  sendDueStatusNews,
  sweepDeletedMedia,
  type MinuteTask,
} from "./background/minute-tasks";
import { handleBroadcastBatch } from "./broadcasts/consumer";
import { runBroadcastMinute } from "./broadcasts/recovery";
import { runCalendarMinute } from "./calendars/reminders";
import { MESSAGES } from "./shared/errors";

export { InboxRoom } from "./inbox/room";
export { Pacer } from "./broadcasts/pacer";
export { Sender } from "./broadcasts/sender";

type QueueHandler = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/** Queue name → handler (a name matches its environment variants too, e.g. "townwire-jobs-staging"). */
const queues: [prefix: string, handler: QueueHandler][] = [
  ["townwire-broadcasts", handleBroadcastBatch], // broadcast fan-out, paced
  ["townwire-alerts", handleBroadcastBatch], // the same for alerts, on their own queue so they overtake
  ["townwire-jobs", handleJobBatch], // media downloads, keyword replies
  ["townwire-dlq", recordDeadLetters], // what kept failing, for staff to see
];

/** Every minute (cron). */
export const minuteTasks: readonly MinuteTask[] = [
  recoverPendingMedia,
  recoverUnprocessedMessages,
  resendUnconfirmedMessages,
  sendDueStatusNews, // report status news after their undo time (if the queue wake-up was lost)
  runBroadcastMinute, // scheduled broadcasts start, stuck sends are settled
  runCalendarMinute, // calendar reminders, daily calendar refresh
  cleanupAuth,
  dailyCleanup, // photo retention and expired codes, once a day
  sweepDeletedMedia,
  auditRetention, // audit trail rows past the town's retention (docs/trust.md)
];

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/parties/")) {
      const routed = await routePartykitRequest(request, env, {
        onBeforeConnect: (req, lobby) => authorizeRoomConnection(req, env, lobby),
        onBeforeRequest: (req, lobby) => authorizeRoomConnection(req, env, lobby),
      });
      return routed ?? Response.json({ error: { code: "not_found", message: MESSAGES.noSuchAddress } }, { status: 404 });
    }
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    const handler = queues.find(([prefix]) => batch.queue.startsWith(prefix))?.[1];
    if (handler) return handler(batch, env);
    console.error(`no handler for queue ${batch.queue}; messages retried`);
    batch.retryAll({ delaySeconds: 30 });
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runMinuteTasks(env, controller.scheduledTime, minuteTasks));
  },
} satisfies ExportedHandler<Env>;
