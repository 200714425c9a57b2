// Citizens writing in (through the real signed webhook) and small D1 shortcuts for inbox tests.
import { env } from "cloudflare:workers";
import { setCitizenLastWrote } from "./fake-window";
import { envelope, messageValue, postWebhook, textMessage, type MessageOpts } from "./meta";

export interface Incoming {
  conversationId: string;
  citizenId: string;
  messageId: string;
}

async function stored(wamidOrLast?: string): Promise<Incoming> {
  const row = await env.DB.prepare(
    "SELECT id, conversation_id, citizen_id FROM messages WHERE direction = 'in' ORDER BY created_at DESC, id DESC LIMIT 1",
  ).first<{ id: string; conversation_id: string; citizen_id: string }>();
  if (!row) throw new Error(`no inbound message stored ${wamidOrLast ?? ""}`);
  return { conversationId: row.conversation_id, citizenId: row.citizen_id, messageId: row.id };
}

/** A citizen's text message arrives through POST /webhooks/whatsapp. */
export async function citizenWrites(text: string, o: MessageOpts = {}): Promise<Incoming> {
  const res = await postWebhook(textMessage(text, o));
  if (res.status !== 200) throw new Error(`webhook failed: ${res.status} ${await res.text()}`);
  return stored();
}

/** A citizen shares a location. */
export async function citizenSendsLocation(
  location: { latitude: number; longitude: number; name?: string; address?: string },
  o: MessageOpts = {},
): Promise<Incoming> {
  const res = await postWebhook(envelope(messageValue({ type: "location", location }, o)));
  if (res.status !== 200) throw new Error(`webhook failed: ${res.status}`);
  return stored();
}

/** Moves the citizen's last message into the past (to test the 24-hour window). */
export async function setLastInbound(citizenId: string, hoursAgo: number): Promise<void> {
  const at = Date.now() - hoursAgo * 3_600_000;
  await env.DB.prepare("UPDATE citizens SET last_inbound_at = ? WHERE id = ?").bind(at, citizenId).run();
  // The same truth for Meta (the fake Graph API's window).
  const row = await env.DB.prepare("SELECT wa_id, user_id FROM citizens WHERE id = ?").bind(citizenId).first<{ wa_id: string | null; user_id: string | null }>();
  for (const address of [row?.wa_id, row?.user_id]) if (address) setCitizenLastWrote(address, at);
}

export async function addTemplate(t: { name: string; language?: string; body: string; parameterCount: number; status?: string }): Promise<void> {
  await env.DB.prepare("INSERT INTO templates (id, name, language, status, body, parameter_count, category, source) VALUES (?, ?, ?, ?, ?, ?, 'UTILITY', 'manual')")
    .bind(`t${Math.random().toString(36).slice(2, 10)}`, t.name, t.language ?? "de", t.status ?? "APPROVED", t.body, t.parameterCount)
    .run();
}
