// Writing a broadcast: create, edit (until it starts), duplicate. Every rule about what a broadcast
// may contain is checked here, so the API, the scheduler and the fan-out can rely on it.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { broadcasts, media } from "../db/schema";
import { existingChannelIds } from "../citizens/subscriptions";
import { assertMediaShareable } from "../media/sharing";
import { AppError, badRequest, notFound } from "../shared/errors";
import { newId } from "../shared/ids";
import {
  CAPTION_MAX,
  type BroadcastDelivery,
  type BroadcastKind,
  type CreateBroadcastInput,
  type UpdateBroadcastInput,
} from "./schemas";
import type { TemplateRef } from "../templates/schema";
import { checkStartable } from "./delivery";
import { checkTemplateRef } from "../templates/store";
import { quickReplyButtons } from "../shared/template-rules";
import { parseSendAt, SEND_AT_LIMIT, toViennaLocal } from "./vienna-time";

/** WhatsApp shows photos in JPEG and PNG; other formats would fail at send time. */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png"]);

export type BroadcastRow = typeof broadcasts.$inferSelect;

interface Content {
  kind: BroadcastKind;
  delivery: BroadcastDelivery;
  text: string;
  channelIds: string[];
  mediaId: string | null;
  template: TemplateRef | null;
  sendAt: number | null;
}

/** Turns the API's sendAt into epoch ms; refuses times that do not exist or already passed. */
export function resolveSendAt(value: string | number | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  let at: number;
  if (typeof value === "number") at = value;
  else {
    const parsed = parseSendAt(value);
    if (!parsed.ok) {
      if (parsed.reason === "nonexistent") {
        throw new AppError(422, "nonexistent_time", `${value.replace("T", " ")} gibt es in Wien nicht (Zeitumstellung auf Sommerzeit) – bitte eine andere Uhrzeit wählen`);
      }
      throw badRequest("sendAt: erwartet z. B. 2027-03-28T09:00 (Wiener Zeit) oder eine ISO-Zeit mit Zone");
    }
    at = parsed.epochMs;
  }
  if (at >= SEND_AT_LIMIT) throw new AppError(422, "send_at_too_far", "Der Zeitpunkt liegt zu weit in der Zukunft (spätestens im Jahr 9999)");
  // A minute of grace for a time picked "now" in the editor.
  if (at < now - 60_000) {
    throw new AppError(422, "send_at_in_past", `Der Zeitpunkt ${toViennaLocal(at).replace("T", " ")} (Wiener Zeit) liegt in der Vergangenheit`);
  }
  return at;
}

async function checkContent(db: Db, c: Content): Promise<void> {
  const known = await existingChannelIds(db, c.channelIds, { openOnly: true });
  const missing = c.channelIds.filter((id) => !known.includes(id));
  if (missing.length) throw new AppError(422, "unknown_channel", "Unbekannter oder archivierter Kanal", { channelIds: missing });
  if (c.template) {
    const t = await checkTemplateRef(db, c.template);
    if (c.delivery === "teaser" && quickReplyButtons(t.components).length === 0) {
      throw new AppError(422, "teaser_needs_button", `Für „Weiterlesen“ braucht die Vorlage „${t.name}“ eine Schnellantwort-Schaltfläche (z. B. „Weiterlesen“)`);
    }
    // Everyone gets the template: there is no content of its own to check.
    if (c.delivery === "template") {
      if (c.mediaId) throw new AppError(422, "template_with_photo", "Beim Versand nur als Vorlage wird kein eigenes Foto gesendet");
      return;
    }
  }
  if (!c.text.trim() && !c.mediaId) {
    throw new AppError(422, "text_required", c.template ? "Der Text fehlt (er geht an alle, die in den letzten 24 Stunden geschrieben haben)" : "Der Text fehlt");
  }
  if (c.mediaId) {
    const m = await db.select({ status: media.status, mimeType: media.mimeType }).from(media).where(eq(media.id, c.mediaId)).get();
    if (!m || m.status !== "stored") throw new AppError(422, "unknown_media", "Das Foto wurde nicht gefunden – bitte erneut hochladen");
    await assertMediaShareable(db, c.mediaId, null);
    if (!PHOTO_TYPES.has((m.mimeType ?? "").toLowerCase())) {
      throw new AppError(422, "unsupported_photo", "WhatsApp zeigt nur Fotos im Format JPEG oder PNG");
    }
    if (c.text.length > CAPTION_MAX) {
      throw new AppError(422, "caption_too_long", `Mit Foto darf der Text höchstens ${CAPTION_MAX} Zeichen lang sein (jetzt ${c.text.length})`);
    }
  }
}

/** Omitted delivery: "auto", except a broadcast with a template and no content of its own ("template", as before modes existed). */
function defaultDelivery(template: TemplateRef | null | undefined, text: string, mediaId: string | null | undefined): BroadcastDelivery {
  return template && !text.trim() && !mediaId ? "template" : "auto";
}

/** A broadcast that is scheduled must be startable then: refused now rather than failing at the time. */
async function checkScheduled(db: Db, c: Content, now: number): Promise<void> {
  if (c.sendAt !== null) await checkStartable(db, c, now);
}

export async function createBroadcast(db: Db, input: CreateBroadcastInput, staffId: string | null, now = Date.now()): Promise<BroadcastRow> {
  const content: Content = {
    kind: input.kind,
    delivery: input.delivery ?? defaultDelivery(input.template, input.text, input.mediaId),
    text: input.text,
    channelIds: input.channelIds,
    mediaId: input.mediaId ?? null,
    template: input.template ?? null,
    sendAt: resolveSendAt(input.sendAt, now),
  };
  await checkContent(db, content);
  await checkScheduled(db, content, now);
  return db
    .insert(broadcasts)
    .values({
      id: newId(),
      title: input.title,
      ...content,
      status: content.sendAt === null ? "draft" : "scheduled",
      createdBy: staffId,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export async function getBroadcastRow(db: Db, id: string): Promise<BroadcastRow> {
  const row = await db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
  if (!row) throw notFound("Aussendung nicht gefunden");
  return row;
}

export const notEditable = (status: string) =>
  new AppError(409, "already_started", status === "cancelled" ? "Die Aussendung wurde abgebrochen" : "Die Aussendung läuft schon oder ist fertig – ändern geht nur vorher", {
    status,
  });

/** Edits a draft or scheduled broadcast. Setting sendAt schedules it; sendAt null makes it a draft again. */
export async function updateBroadcast(db: Db, id: string, patch: UpdateBroadcastInput, now = Date.now()): Promise<BroadcastRow> {
  const row = await getBroadcastRow(db, id);
  if (row.status !== "draft" && row.status !== "scheduled") throw notEditable(row.status);
  const content: Content = {
    kind: patch.kind ?? row.kind,
    delivery: patch.delivery ?? row.delivery,
    text: patch.text ?? row.text,
    channelIds: patch.channelIds ?? row.channelIds,
    mediaId: patch.mediaId === undefined ? row.mediaId : patch.mediaId,
    template: patch.template === undefined ? row.template : patch.template,
    sendAt: patch.sendAt === undefined ? row.sendAt : resolveSendAt(patch.sendAt, now),
  };
  await checkContent(db, content);
  await checkScheduled(db, content, now);
  const updated = await db
    .update(broadcasts)
    .set({
      title: patch.title ?? row.title,
      ...content,
      // A new photo must be uploaded to WhatsApp again.
      ...(content.mediaId !== row.mediaId ? { waMediaId: null, waMediaUploadedAt: null } : {}),
      status: content.sendAt === null ? "draft" : "scheduled",
      // Four eyes: what was approved (or is waiting) is not what will be sent any more.
      approvalState: null,
      approvalRequestedBy: null,
      approvalRequestedAt: null,
      approvalBy: null,
      approvalAt: null,
      approvalReason: null,
      updatedAt: now,
    })
    // Only if it did not start meanwhile (the cron may have picked it up a moment ago).
    .where(sql`${broadcasts.id} = ${id} AND ${broadcasts.status} IN ('draft', 'scheduled')`)
    .returning()
    .get();
  if (!updated) throw notEditable((await getBroadcastRow(db, id)).status);
  return updated;
}

/** A new draft with the same content (title marked as a copy), e.g. to resend last week's newsletter. */
export async function duplicateBroadcast(db: Db, id: string, staffId: string | null, now = Date.now()): Promise<BroadcastRow> {
  const row = await getBroadcastRow(db, id);
  const title = row.title.endsWith("(Kopie)") ? row.title : `${row.title} (Kopie)`.slice(0, 200);
  return db
    .insert(broadcasts)
    .values({
      id: newId(),
      title,
      kind: row.kind,
      text: row.text,
      mediaId: row.mediaId,
      template: row.template,
      delivery: row.delivery,
      channelIds: row.channelIds,
      status: "draft",
      createdBy: staffId,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}
