import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { normalizeWebhook, webhookSchema } from "../worker/whatsapp";
import { metaMessages } from "./fixtures/meta-messages";
import { count } from "./helpers/db";
import { envelope, messageValue, postWebhook } from "./helpers/meta";

type Row = { type: string; text: string | null; payload: string; media_id: string | null };

async function ingest(message: Record<string, unknown>) {
  const res = await postWebhook(envelope(messageValue(message)));
  expect(res.status).toBe(200);
  return env.DB.prepare("SELECT type, text, payload, media_id FROM messages ORDER BY created_at DESC LIMIT 1").first<Row>();
}

describe("every inbound message type is parsed and stored", () => {
  it("text (and the message it replies to)", async () => {
    const row = await ingest(metaMessages.textReply);
    expect(row).toMatchObject({ type: "text", text: "Danke!" });
    expect(JSON.parse(row!.payload).contextWamid).toBe(metaMessages.textReply.context.id);
  });

  it.each(["image", "video", "audio", "document", "sticker"] as const)("%s: stored with a pending media row", async (kind) => {
    const row = await ingest(metaMessages[kind]);
    expect(row?.type).toBe(kind);
    expect(row?.media_id).toBeTruthy();
    const media = await env.DB.prepare("SELECT * FROM media WHERE id = ?").bind(row!.media_id).first<Record<string, unknown>>();
    const source = (metaMessages[kind] as unknown as Record<string, { id: string; mime_type: string }>)[kind]!;
    expect(media).toMatchObject({ status: "pending", wa_media_id: source.id, mime_type: source.mime_type });
  });

  it("image caption becomes the message text; document keeps its file name", async () => {
    expect((await ingest(metaMessages.image))?.text).toBe("Beschmierte Bank im Stadtpark");
    const doc = await ingest(metaMessages.document);
    expect(await env.DB.prepare("SELECT file_name FROM media WHERE id = ?").bind(doc!.media_id).first()).toEqual({ file_name: "Antrag.pdf" });
  });

  it("location keeps coordinates, name and address", async () => {
    const row = await ingest(metaMessages.location);
    expect(row?.type).toBe("location");
    expect(row?.text).toBe("Stadtpark, Rennweg 1, 6020 Innsbruck");
    expect(JSON.parse(row!.payload).location).toEqual({ latitude: 47.2692, longitude: 11.4041, name: "Stadtpark", address: "Rennweg 1, 6020 Innsbruck" });
  });

  it("contacts keep the whole card", async () => {
    const row = await ingest(metaMessages.contacts);
    expect(row?.type).toBe("contacts");
    expect(row?.text).toContain("Hausmeister Gruber");
    expect(JSON.parse(row!.payload).original.contacts[0].phones[0].wa_id).toBe("436649876543");
  });

  it("interactive button_reply and list_reply keep the reply id", async () => {
    const b = await ingest(metaMessages.buttonReply);
    expect(b).toMatchObject({ type: "interactive", text: "Freibad" });
    expect(JSON.parse(b!.payload).replyId).toBe("channel:ch_freibad");
    const l = await ingest(metaMessages.listReply);
    expect(JSON.parse(l!.payload).replyId).toBe("toggle:ch_events");
  });

  it("button (quick reply on a template) keeps payload and text", async () => {
    const row = await ingest(metaMessages.button);
    expect(row).toMatchObject({ type: "button", text: "Abmelden" });
    expect(JSON.parse(row!.payload).replyId).toBe("STOP");
  });

  it("reaction points at the message reacted to", async () => {
    const row = await ingest(metaMessages.reaction);
    expect(row).toMatchObject({ type: "reaction", text: "👍" });
    expect(JSON.parse(row!.payload).contextWamid).toBe(metaMessages.reaction.reaction.message_id);
  });

  it("order is kept in full", async () => {
    const row = await ingest(metaMessages.order);
    expect(row?.type).toBe("order");
    expect(JSON.parse(row!.payload).original.order.product_items).toHaveLength(1);
  });

  it("system user_changed_number moves the citizen to the new number", async () => {
    const row = await ingest(metaMessages.system);
    expect(row?.type).toBe("system");
    expect(await env.DB.prepare("SELECT wa_id FROM citizens").first()).toEqual({ wa_id: "436641111111" });
  });

  it("unsupported is kept as unsupported with its errors", async () => {
    const row = await ingest(metaMessages.unsupported);
    expect(row?.type).toBe("unsupported");
    expect(JSON.parse(row!.payload).errors[0].code).toBe(131051);
  });

  it("an unknown future type is kept as unsupported, with the original type and body", async () => {
    const row = await ingest(metaMessages.unknownFuture);
    expect(row?.type).toBe("unsupported");
    const payload = JSON.parse(row!.payload);
    expect(payload.rawType).toBe("poll_vote");
    expect(payload.original.poll_vote).toEqual({ option: "A" });
  });

  it("a media download error from Meta marks the media failed, and the message is kept", async () => {
    const row = await ingest(metaMessages.imageDownloadFailed);
    expect(row?.type).toBe("image");
    const media = await env.DB.prepare("SELECT status, error FROM media WHERE id = ?").bind(row!.media_id).first<{ status: string; error: string }>();
    expect(media?.status).toBe("failed");
    expect(media?.error).toContain("131052");
    expect(await count("messages")).toBe(1);
  });
});

describe("normalizeWebhook (pure)", () => {
  it("uses contacts' profile names and timestamps in ms", () => {
    const payload = webhookSchema.parse(envelope(messageValue(metaMessages.text, { name: "Josef Maier", timestamp: "1764316800" })));
    const [event] = normalizeWebhook(payload);
    expect(event).toMatchObject({ kind: "message", profileName: "Josef Maier", sentAt: 1764316800000, waId: "436641234567" });
  });
});
