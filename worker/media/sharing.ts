// Which stored photo may go out to whom. A photo a citizen sent belongs to that citizen: staff may
// send it back to them, but never to another person or in a broadcast (that would pass one
// person's data on to others, silently). Staff uploads may be sent to anyone.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { media } from "../db/schema";
import { RuleViolation } from "../shared/errors";

/**
 * Refuses (422 `media_of_other_citizen`) a photo sent in by a citizen other than `recipientCitizenId`
 * (null = a broadcast to many). Unknown ids pass: the caller's own check reports them.
 */
export async function assertMediaShareable(db: Db, mediaId: string, recipientCitizenId: string | null): Promise<void> {
  const row = await db.select({ citizenId: media.citizenId, uploadedBy: media.uploadedBy }).from(media).where(eq(media.id, mediaId)).get();
  if (!row || row.uploadedBy || !row.citizenId || row.citizenId === recipientCitizenId) return;
  throw new RuleViolation(
    "media_of_other_citizen",
    "Dieses Foto hat ein Bürger bzw. eine Bürgerin geschickt. Aus Datenschutzgründen darf es nicht an andere weitergegeben werden. Bitte das Bild selbst hochladen, wenn es wirklich geteilt werden soll.",
  );
}
