// The "media.fetch" job: an inbound photo or file goes from the Graph API into R2, and the staff app
// is told when it is there (or why not).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { messages } from "../db/schema";
import type { JobOutcome } from "../queues/jobs";
import type { RoomEvent } from "../shared/events";
import type { WhatsAppClient } from "../whatsapp";
import { fetchInboundMedia } from "./fetch-inbound";
import { mediaPath } from "./paths";

export interface MediaFetchDeps {
  db: Db;
  bucket: R2Bucket;
  whatsapp: WhatsAppClient;
  publish: (events: RoomEvent[]) => Promise<unknown>;
}

export async function runMediaFetchJob(deps: MediaFetchDeps, mediaId: string): Promise<JobOutcome> {
  const { db, publish } = deps;
  const outcome = await fetchInboundMedia({ db, bucket: deps.bucket, whatsapp: deps.whatsapp }, mediaId);
  if (outcome.result === "retry") return { retryAfterSeconds: outcome.delaySeconds };
  if (outcome.result === "failed" && outcome.alert) await publish([outcome.alert]);
  if (outcome.result === "stored" || outcome.result === "failed") {
    const msg = await db
      .select({ id: messages.id, conversationId: messages.conversationId })
      .from(messages)
      .where(eq(messages.mediaId, mediaId))
      .get();
    if (msg) {
      await publish([
        {
          type: "media.updated",
          conversationId: msg.conversationId,
          messageId: msg.id,
          mediaStatus: outcome.result,
          mediaUrl: outcome.result === "stored" ? mediaPath(mediaId) : null,
        },
      ]);
    }
  }
  return "ack";
}
