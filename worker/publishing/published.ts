// What the town publishes: broadcasts that started (sending, paused or done) and whose target channels
// are ALL public. A broadcast that also went to one internal channel is never published, so an internal
// message cannot leak through a mixed audience; a cancelled one is withdrawn. Decided at read time, so
// turning a channel private again removes its broadcasts from every feed at once.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { openStoredMedia, type MediaObject } from "../media/serve";
import { notFound } from "../shared/errors";

/** How many entries a feed carries (newest first). */
export const FEED_LIMIT = 50;

/** Photos a feed may show: what WhatsApp broadcasts carry anyway. */
const PUBLIC_PHOTO_TYPES = new Set(["image/jpeg", "image/png"]);

export interface PublishedPhoto {
  id: string;
  mimeType: string;
  size: number;
}

export interface PublishedItem {
  id: string;
  title: string;
  kind: "newsletter" | "alert" | "reminder";
  text: string;
  /** When sending started: published and updated (content cannot change after the start). */
  startedAt: number;
  channels: { id: string; name: string }[];
  photo: PublishedPhoto | null;
}

export interface PublicChannel {
  id: string;
  name: string;
  description: string;
}

/** The WHERE clause of a published broadcast `b` (shared by the list, the photo check and the change time). */
const allTargetsPublic = sql`json_array_length(b.channel_ids) > 0 AND NOT EXISTS (
    SELECT 1 FROM json_each(b.channel_ids) j LEFT JOIN channels ch ON ch.id = j.value WHERE coalesce(ch.public, 0) <> 1)`;
const published = sql`b.started_at IS NOT NULL AND b.status IN ('sending', 'paused', 'done') AND ${allTargetsPublic}`;

const templateSchema = z.object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) });

interface Row {
  id: string;
  title: string;
  kind: PublishedItem["kind"];
  text: string;
  template: string | null;
  channel_ids: string;
  started_at: number;
  media_id: string | null;
  mime_type: string | null;
  size: number | null;
  template_body: string | null;
}

export async function listPublicChannels(db: Db): Promise<PublicChannel[]> {
  return db.all<PublicChannel>(sql`SELECT id, name, description FROM channels WHERE public = 1 ORDER BY position, name`);
}

/** Published broadcasts, newest first; with `channelId` only those that went to that (public) channel. */
export async function listPublished(db: Db, o: { channelId?: string; id?: string; limit?: number } = {}): Promise<PublishedItem[]> {
  const filters: SQL[] = [published];
  if (o.id) filters.push(sql`b.id = ${o.id}`);
  if (o.channelId) filters.push(sql`EXISTS (SELECT 1 FROM json_each(b.channel_ids) j WHERE j.value = ${o.channelId})`);
  const rows = await db.all<Row>(sql`
    SELECT b.id, b.title, b.kind, b.text, b.template, b.channel_ids, b.started_at, b.media_id, m.mime_type, m.size,
      (SELECT t.body FROM templates t WHERE t.name = json_extract(b.template, '$.name')
        AND t.language = json_extract(b.template, '$.language')) AS template_body
    FROM broadcasts b LEFT JOIN media m ON m.id = b.media_id AND m.status = 'stored'
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY b.started_at DESC, b.id DESC
    LIMIT ${Math.min(o.limit ?? FEED_LIMIT, FEED_LIMIT)}`);
  const names = new Map((await listPublicChannels(db)).map((c) => [c.id, c.name]));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    text: publicText(r),
    startedAt: r.started_at,
    channels: parseIds(r.channel_ids).map((id) => ({ id, name: names.get(id) ?? id })),
    photo: photoOf(r),
  }));
}

/** The newest change of what is published: a start, or a withdrawal (cancel) of a started broadcast. */
export async function lastPublicChange(db: Db): Promise<number | null> {
  const row = await db.get<{ at: number | null }>(sql`
    SELECT max(CASE WHEN b.status = 'cancelled' THEN b.updated_at ELSE b.started_at END) AS at
    FROM broadcasts b WHERE b.started_at IS NOT NULL AND b.status <> 'draft' AND ${allTargetsPublic}`);
  return row?.at ?? null;
}

/** A photo, but only one attached to a published broadcast (any other media id is "not found"). */
export async function openPublishedPhoto(deps: { db: Db; bucket: R2Bucket }, mediaId: string): Promise<MediaObject> {
  if (!/^[0-9a-z]{1,40}$/.test(mediaId)) throw notFound("Foto nicht gefunden");
  const row = await deps.db.get<{ mime_type: string | null }>(sql`
    SELECT m.mime_type FROM broadcasts b JOIN media m ON m.id = b.media_id
    WHERE b.media_id = ${mediaId} AND m.status = 'stored' AND ${published} LIMIT 1`);
  if (!row || !PUBLIC_PHOTO_TYPES.has(normalType(row.mime_type))) throw notFound("Foto nicht gefunden");
  return openStoredMedia(deps, mediaId);
}

function publicText(r: Row): string {
  if (r.text.trim()) return r.text;
  // Sent only as a template: the template's text with its parameters is what citizens read.
  const parsed = r.template ? templateSchema.safeParse(safeJson(r.template)) : null;
  if (!parsed?.success || !r.template_body) return "";
  return r.template_body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => parsed.data.parameters[Number(n) - 1] ?? whole);
}

function photoOf(r: Row): PublishedPhoto | null {
  const type = normalType(r.mime_type);
  if (!r.media_id || !PUBLIC_PHOTO_TYPES.has(type)) return null;
  return { id: r.media_id, mimeType: type, size: r.size ?? 0 };
}

const normalType = (t: string | null) => (t ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

function parseIds(json: string): string[] {
  const v = safeJson(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
