// Hooks the citizens module into the queue consumer (keyword handling for every inbound message)
// and the every-minute cron (the once-a-day cleanup, and the sweeper of R2 objects still to be
// deleted). Imported once from worker/index.ts.
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { registerJobHandler } from "../queues/consumer";
import { registerScheduledTask } from "../scheduled";
import { sweepMediaDeletions } from "../media/deletions";
import { clientFromConfig } from "../whatsapp";
import { handleTeaserTap } from "../broadcasts/teaser";
import { processInboundMessage } from "./process-inbound";
import { runDailyCleanup } from "./retention";

registerJobHandler("inbound.process", async (env: Env, job, attempts) => {
  if (job.type !== "inbound.process") return "ack";
  const outcome = await processInboundMessage(
    {
      db: getDb(env.DB),
      whatsapp: clientFromConfig(getConfig(env)),
      publish: (events) => publishToRoom(env, events),
      onTeaserTap: (tap) => handleTeaserTap(env, tap),
    },
    job.messageId,
    attempts,
  );
  return outcome.result === "retry" ? { retryAfterSeconds: outcome.retryAfterSeconds } : "ack";
});

registerScheduledTask(async (env: Env, scheduledTime: number) => {
  const result = await runDailyCleanup(
    { db: getDb(env.DB), bucket: env.MEDIA, retentionDays: getConfig(env).MEDIA_RETENTION_DAYS },
    scheduledTime,
  );
  if (result) console.log("daily cleanup", JSON.stringify(result));
});

registerScheduledTask(async (env: Env) => {
  const result = await sweepMediaDeletions(getDb(env.DB), env.MEDIA);
  if (result.objects || result.pending) console.log("media deletions swept", JSON.stringify(result));
});
