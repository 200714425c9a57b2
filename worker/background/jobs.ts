// The jobs queue (townwire-jobs): each job type and the module that does it. Jobs are idempotent,
// so a redelivered or recovered job changes nothing the second time.
import { processInboundMessage } from "../citizens/process-inbound";
import { handleTeaserTap } from "../broadcasts/teaser";
import { planCalendarKeyword } from "../calendars/keywords";
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { runMediaFetchJob } from "../media/fetch-job";
import { inboxDeps } from "../inbox/deps";
import { sendScheduled } from "../inbox/scheduled-notices";
import { pushJobDeps } from "../push/deps";
import { runPushNotice, runPushSend } from "../push/jobs";
import { jobSchema, type Job, type JobOutcome } from "../queues/jobs";
import { clientFromConfig, type WhatsAppClient } from "../whatsapp";
import { withPacedSends } from "../broadcasts/direct-send";

async function runJob(env: Env, job: Job, attempts: number, whatsapp: WhatsAppClient): Promise<JobOutcome> {
  const db = getDb(env.DB);
  const publish = (events: Parameters<typeof publishToRoom>[1]) => publishToRoom(env, events);
  switch (job.type) {
    case "media.fetch":
      return runMediaFetchJob({ db, bucket: env.MEDIA, whatsapp, publish }, job.mediaId);
    case "inbound.process": {
      // Keywords, the channel menu and "Weiterlesen" taps (citizens module); calendar questions are
      // answered by the calendars module. Bot replies go through the paced Senders ("direct"): the
      // number's rate, the Senders' connections.
      const outcome = await processInboundMessage(
        {
          db,
          whatsapp: withPacedSends(env, whatsapp),
          publish,
          onTeaserTap: (tap) => handleTeaserTap(env, tap),
          onCalendarQuestion: (msg, lang) => planCalendarKeyword(db, msg, lang),
        },
        job.messageId,
        attempts,
      );
      return outcome.result === "retry" ? { retryAfterSeconds: outcome.retryAfterSeconds } : "ack";
    }
    case "outbound.scheduled": {
      // Report status news after its undo time (outreach module); woken early, it tries again shortly.
      const outcome = await sendScheduled(inboxDeps(env), job.messageId);
      return outcome === "not_due" ? { retryAfterSeconds: 2 } : "ack";
    }
    case "push.notice":
      // Staff notifications (push module); its retries are push.send jobs of their own.
      await runPushNotice(pushJobDeps(env), job.notice);
      return "ack";
    case "push.send": {
      const outcome = await runPushSend(pushJobDeps(env), job.subscriptionId, job.message, attempts);
      return outcome === "done" ? "ack" : outcome;
    }
  }
}

/**
 * The jobs of a batch run side by side (they are idempotent and independent; consent changes carry
 * their message's timestamp, so their order does not matter). One Graph client for the batch, so
 * its own calls (media) keep to the invocation's 6 connections; bot replies use the Senders'.
 */
export async function handleJobBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const whatsapp = clientFromConfig(getConfig(env));
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = jobSchema.safeParse(msg.body);
      if (!parsed.success) {
        console.error("dropping malformed job", msg.body);
        msg.ack();
        return;
      }
      try {
        const outcome = await runJob(env, parsed.data, msg.attempts, whatsapp);
        if (outcome === "ack") msg.ack();
        else msg.retry({ delaySeconds: outcome.retryAfterSeconds });
      } catch (err) {
        console.error(`job ${parsed.data.type} failed`, err);
        msg.retry({ delaySeconds: Math.min(2 ** msg.attempts, 300) });
      }
    }),
  );
}
