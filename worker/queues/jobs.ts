// Background jobs on the JOBS_QUEUE, validated with zod on both ends.
import { z } from "zod";

export const jobSchema = z.discriminatedUnion("type", [
  /** Fetch an inbound photo/file from the Graph API into R2. */
  z.object({ type: z.literal("media.fetch"), mediaId: z.string() }),
  /** Run keyword/menu handling for an inbound message (citizens module). */
  z.object({ type: z.literal("inbound.process"), messageId: z.string() }),
]);
export type Job = z.infer<typeof jobSchema>;

export async function enqueueJobs(queue: Queue<unknown>, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.sendBatch(jobs.map((body) => ({ body, contentType: "json" as const })));
}
