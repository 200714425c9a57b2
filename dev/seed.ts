// Demo data for local use: runs once (marker row in `settings`). Writes D1 in one batch, so a
// failed or concurrent run leaves nothing half-seeded; the photo goes to R2 like a fetched one.
import type { BatchItem } from "drizzle-orm/batch";
import { and, asc, eq } from "drizzle-orm";
import { ensureFirstAdmin } from "../worker/auth/staff";
import { getDb } from "../worker/db/client";
import {
  channels,
  citizens,
  consentEvents,
  conversations,
  media,
  messages,
  settings,
  staff,
  snippets,
  subscriptions,
  templates,
} from "../worker/db/schema";
import { getConfig, type Env } from "./env";
import { previewOf } from "../worker/inbox/ingest";
import { r2KeyFor } from "../worker/media/fetch-inbound";
import { newId } from "../worker/shared/ids";
import { demoVandalismPhoto } from "./demo-image";
import { DEMO_TEMPLATES, placeholderCount } from "./demo-templates";
import { DEMO_SNIPPETS } from "../worker/outreach/demo-snippets";
import { DEMO_CHANNELS, DEMO_CITIZENS, DEMO_CONVERSATIONS, lastMessageMinutesAgo, type DemoMessage } from "./seed-data";
import { simulator, type ImportedMessage } from "./simulator";
import type { JsonObject } from "./simulator-tables";
import { newWamid } from "./webhook-payloads";

export const SEED_MARKER = "demo_seed_v1";

export interface SeedResult {
  seeded: boolean;
  adminCreated: boolean;
  channels: number;
  citizens: number;
  conversations: number;
}

export async function seedDemoData(env: Env): Promise<SeedResult> {
  const db = getDb(env.DB);
  const cfg = getConfig(env);
  const adminCreated = await ensureFirstAdmin(db, cfg);
  const none: SeedResult = { seeded: false, adminCreated, channels: 0, citizens: 0, conversations: 0 };
  if (await db.select().from(settings).where(eq(settings.key, SEED_MARKER)).get()) return none;

  const now = Date.now();
  const ago = (minutes: number) => now - minutes * 60_000;
  // The town's answers in the demo were written by a person, not sent automatically: the first
  // admin. A conversation someone answered is assigned to them (never "Nicht zugewiesen").
  const answerer = await db.select({ id: staff.id }).from(staff).where(and(eq(staff.role, "admin"), eq(staff.disabled, false))).orderBy(asc(staff.createdAt)).limit(1).get();
  const sim = simulator(env);

  // The photo exists at the simulated WhatsApp (so the citizen's phone shows it) and in R2 (as if fetched).
  const photo = await demoVandalismPhoto();
  const simPhoto = await sim.storeMedia(photo.slice().buffer, "image/png", "parkbank.png");
  await env.MEDIA.put(r2KeyFor(simPhoto.sha256), photo, { httpMetadata: { contentType: "image/png" }, sha256: simPhoto.sha256 });

  // The marker goes first: if another run got here first, its insert fails and the batch rolls back.
  const batch: BatchItem<"sqlite">[] = [db.insert(settings).values({ key: SEED_MARKER, value: String(now), updatedAt: now })];
  batch.push(
    db.insert(channels).values(DEMO_CHANNELS.map((c) => ({ ...c, createdAt: ago(40 * 24 * 60), updatedAt: now }))).onConflictDoNothing(),
    db
      .insert(templates)
      .values(
        DEMO_TEMPLATES.map((t) => {
          const body = t.components.find((c) => c.type === "BODY")?.text ?? "";
          return {
            id: newId(),
            name: t.name,
            language: t.language,
            category: t.category,
            status: t.status,
            body,
            parameterCount: placeholderCount(body),
            components: t.components,
            source: "graph" as const,
            syncedAt: now,
          };
        }),
      )
      .onConflictDoNothing(),
  );

  // Textbausteine ("/" in the reply box); the list lives with the feature (worker/outreach).
  batch.push(db.insert(snippets).values(DEMO_SNIPPETS.map((x) => ({ id: newId(), ...x, createdAt: now, updatedAt: now }))).onConflictDoNothing());

  const citizenIds = new Map<string, string>();
  const chats = new Map<string, ImportedMessage[]>();
  for (const c of DEMO_CITIZENS) {
    const id = newId();
    citizenIds.set(c.waId, id);
    const lastIn = lastMessageMinutesAgo(c, DEMO_CONVERSATIONS);
    const joined = Math.max(...c.subscriptions.map((s) => s.minutesAgo));
    batch.push(
      db.insert(citizens).values({
        id,
        waId: c.waId,
        name: c.name,
        lastInboundAt: Number.isFinite(lastIn) ? ago(lastIn) : null,
        createdAt: ago(joined),
        updatedAt: now,
      }),
    );
    for (const s of c.subscriptions) {
      batch.push(
        db.insert(subscriptions).values({
          citizenId: id,
          channelId: s.channelId,
          active: s.leftMinutesAgo === undefined,
          createdAt: ago(s.minutesAgo),
          updatedAt: ago(s.leftMinutesAgo ?? s.minutesAgo),
        }),
        db.insert(consentEvents).values({ citizenId: id, channelId: s.channelId, action: "subscribe", source: s.source, createdAt: ago(s.minutesAgo) }),
      );
      if (s.leftMinutesAgo !== undefined) {
        batch.push(
          db.insert(consentEvents).values({
            citizenId: id,
            channelId: s.channelId,
            action: "unsubscribe",
            source: "whatsapp_keyword",
            createdAt: ago(s.leftMinutesAgo),
          }),
        );
      }
    }
  }

  for (const conv of DEMO_CONVERSATIONS) {
    const citizenId = citizenIds.get(conv.waId);
    if (!citizenId) continue;
    const conversationId = newId();
    const first = conv.messages[0];
    const last = conv.messages[conv.messages.length - 1];
    if (!first || !last) continue;
    const chat: ImportedMessage[] = [];
    const rows = conv.messages.map((m) => {
      const wamid = newWamid();
      const mediaId = m.type === "image" ? newId() : null;
      const shown = shownAs(m);
      chat.push({
        wamid,
        direction: m.dir,
        type: m.type,
        content: m.type === "image" ? { type: "image", image: { id: simPhoto.id, mime_type: "image/png", caption: m.caption } } : shown.content,
        status: m.dir === "in" ? "read" : m.status,
        at: ago(m.minutesAgo),
      });
      if (mediaId) {
        batch.push(
          db.insert(media).values({
            id: mediaId,
            waMediaId: simPhoto.id,
            status: "stored",
            r2Key: r2KeyFor(simPhoto.sha256),
            sha256: simPhoto.sha256,
            mimeType: "image/png",
            size: simPhoto.size,
            citizenId,
            attempts: 1,
            createdAt: ago(m.minutesAgo),
            storedAt: ago(m.minutesAgo),
          }),
        );
      }
      return {
        id: newId(),
        conversationId,
        citizenId,
        direction: m.dir,
        wamid,
        type: m.type,
        text: shown.text,
        payload: shown.payload,
        mediaId,
        status: m.dir === "in" ? ("received" as const) : m.status,
        sentAt: ago(m.minutesAgo),
        createdAt: ago(m.minutesAgo),
        statusUpdatedAt: m.dir === "out" ? ago(m.minutesAgo - 1) : null,
        processedAt: m.dir === "in" ? ago(m.minutesAgo) : null,
        staffId: m.dir === "out" ? (answerer?.id ?? null) : null,
      };
    });
    batch.push(
      db.insert(conversations).values({
        id: conversationId,
        citizenId,
        status: conv.status,
        assigneeId: conv.messages.some((m) => m.dir === "out") ? (answerer?.id ?? null) : null,
        unreadCount: conv.unread,
        lastMessageAt: ago(last.minutesAgo),
        lastMessagePreview: previewOf({ type: last.type, text: shownAs(last).text ?? undefined }),
        resolvedAt: conv.status === "resolved" ? ago(last.minutesAgo - 60) : null,
        reportCategory: conv.report?.category ?? null,
        reportStatus: conv.report?.status ?? null,
        reportLatitude: conv.report?.latitude ?? null,
        reportLongitude: conv.report?.longitude ?? null,
        reportAddress: conv.report?.address ?? null,
        reportUpdatedAt: conv.report ? ago(first.minutesAgo) : null,
        reportCreatedAt: conv.report ? ago(first.minutesAgo) : null,
        createdAt: ago(first.minutesAgo),
      }),
      db.insert(messages).values(rows),
    );
    chats.set(conv.waId, chat);
  }

  const [head, ...rest] = batch;
  if (!head) return none;
  try {
    await db.batch([head, ...rest]);
  } catch (err) {
    // Lost the race against a concurrent seed: its marker is there now, and that is fine.
    if (await db.select().from(settings).where(eq(settings.key, SEED_MARKER)).get()) return none;
    throw err;
  }

  // The citizens' phones in the simulator show the same history.
  for (const c of DEMO_CITIZENS) {
    await sim.importChat(c.waId, c.name, chats.get(c.waId) ?? []);
    // Their sign-up messages count for the 24-hour window too, at Meta and so in the simulator.
    const lastIn = lastMessageMinutesAgo(c, DEMO_CONVERSATIONS);
    if (Number.isFinite(lastIn)) await sim.noteInbound(c.waId, Math.floor(ago(lastIn) / 1000) * 1000);
  }

  return {
    seeded: true,
    adminCreated,
    channels: DEMO_CHANNELS.length,
    citizens: DEMO_CITIZENS.length,
    conversations: DEMO_CONVERSATIONS.length,
  };
}

/** How a demo message is stored in D1 (text, payload) and on the phone (content). */
function shownAs(m: DemoMessage): { text: string | null; payload: Record<string, unknown>; content: JsonObject } {
  switch (m.type) {
    case "text":
      return { text: m.text, payload: { rawType: "text" }, content: { type: "text", text: { body: m.text } } };
    case "image":
      return {
        text: m.caption,
        payload: { rawType: "image", media: { type: "image", caption: m.caption } },
        content: { type: "image", image: { caption: m.caption } },
      };
    case "location": {
      const location = { latitude: m.latitude, longitude: m.longitude, name: m.name, address: m.address };
      return { text: `${m.name}, ${m.address}`, payload: { rawType: "location", location }, content: { type: "location", location } };
    }
  }
}
