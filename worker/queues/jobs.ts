// Background jobs on the JOBS_QUEUE, validated with zod on both ends.
import { z } from "zod";
import { sendAll } from "./send";

const staffNoticeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("assigned"), conversationId: z.string(), assigneeId: z.string(), byStaffId: z.string() }),
  z.object({ kind: z.literal("report"), conversationId: z.string(), byStaffId: z.string().nullable() }),
  z.object({ kind: z.literal("test"), staffId: z.string() }),
]);
const pushMessageSchema = z.object({
  notification: z.object({ title: z.string(), body: z.string(), url: z.string(), tag: z.string() }),
  urgency: z.enum(["normal", "high"]),
  ttl: z.number().int().nonnegative(),
});

export const jobSchema = z.discriminatedUnion("type", [
  /** Fetch an inbound photo/file from the Graph API into R2. */
  z.object({ type: z.literal("media.fetch"), mediaId: z.string() }),
  /** Run keyword/menu handling for an inbound message (citizens module). */
  z.object({ type: z.literal("inbound.process"), messageId: z.string() }),
  /** Send a scheduled message (report status news) once its undo time has passed (outreach module). */
  z.object({ type: z.literal("outbound.scheduled"), messageId: z.string() }),
  /** Push notifications to staff about one notice (push module). */
  z.object({ type: z.literal("push.notice"), notice: staffNoticeSchema }),
  /** One device again, after its push service asked to wait (push module). */
  z.object({ type: z.literal("push.send"), subscriptionId: z.string(), message: pushMessageSchema }),
]);
export type Job = z.infer<typeof jobSchema>;
/** What a job asks of the queue: done, or again after a delay. */
export type JobOutcome = "ack" | { retryAfterSeconds: number };

/** Any number of jobs (a webhook may carry hundreds): sent in batches within the queue's limits. */
export async function enqueueJobs(queue: Queue<unknown>, jobs: Job[]): Promise<void> {
  await sendAll(queue, jobs);
}
