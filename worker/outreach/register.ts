// Wires the outreach module into the queue consumer and the minute cron (imported by worker/index.ts).
import { inboxDeps } from "../inbox/deps";
import { registerJobHandler } from "../queues/consumer";
import { registerScheduledTask } from "../scheduled";
import { sendDueScheduled, sendScheduled } from "./scheduled-notices";

registerJobHandler("outbound.scheduled", async (env, job) => {
  if (job.type !== "outbound.scheduled") return "ack";
  const outcome = await sendScheduled(inboxDeps(env), job.messageId);
  // Woken early (queue delays are not exact): try again shortly.
  return outcome === "not_due" ? { retryAfterSeconds: 2 } : "ack";
});

registerScheduledTask(async (env, scheduledTime) => {
  await sendDueScheduled(inboxDeps(env), Math.max(scheduledTime, Date.now()));
});
