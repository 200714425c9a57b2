// Storage layout of the WhatsAppSimulator Durable Object (its own SQLite, not D1) and the views
// it hands to the phone page.

export const SIMULATOR_DDL = [
  `CREATE TABLE IF NOT EXISTS phones (
    wa_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    typing_until INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  )`,
  // One row per message on a simulated phone: what the citizen sent ("in") and what the town sent ("out").
  `CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    wa_id TEXT NOT NULL,
    wamid TEXT NOT NULL UNIQUE,
    direction TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    callback_data TEXT,
    category TEXT NOT NULL DEFAULT 'service',
    created_at INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS messages_wa_idx ON messages (wa_id, seq)`,
  `CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY,
    mime_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    file_name TEXT,
    created_at INTEGER NOT NULL
  )`,
  // DO SQLite rows are limited to 2 MB, so files are stored in chunks.
  `CREATE TABLE IF NOT EXISTS media_chunks (
    media_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (media_id, seq)
  )`,
  // Status webhooks waiting to be delivered (sent → delivered → read), in due order.
  `CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    due_at INTEGER NOT NULL,
    wamid TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code INTEGER,
    error_title TEXT,
    error_details TEXT,
    origin TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS outbox_due_idx ON outbox (due_at, id)`,
  // When each citizen last wrote (WhatsApp timestamp of the message, ms), as Meta knows it: from the
  // webhooks the simulator sends, the demo seed, and messages reported by tests that sign their own.
  `CREATE TABLE IF NOT EXISTS last_inbound (
    wa_id TEXT PRIMARY KEY,
    at INTEGER NOT NULL
  )`,
  // What the simulator delivered to the worker's webhook and what it answered (newest kept).
  `CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    wamid TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    response TEXT NOT NULL
  )`,
];

/** JSON-like data that can cross the Durable Object RPC boundary (typed, unlike `unknown`). */
export type JsonValue = string | number | boolean | null | undefined | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const CHUNK_BYTES = 1_000_000;
export const DELIVERY_LOG_SIZE = 200;

/** Outbound statuses in the order they may happen; a message never moves backwards. */
export const OUT_STATUS_RANK: Record<string, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export type MessageRow = {
  seq: number;
  wa_id: string;
  wamid: string;
  direction: string;
  type: string;
  content: string;
  status: string;
  error: string | null;
  callback_data: string | null;
  category: string;
  created_at: number;
};

export type OutboxRow = {
  id: number;
  due_at: number;
  wamid: string;
  status: string;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
  origin: string;
  attempts: number;
};

export interface PhoneMessageView {
  seq: number;
  wamid: string;
  direction: "in" | "out";
  type: string;
  /** The message as it went over the wire (Graph send body part, or the webhook message part), as
   *  JSON text: a recursive JSON type is too deep for the Durable Object RPC types. */
  contentJson: string;
  /** out: accepted/sent/delivered/read/failed; in: sending/delivered/rejected/read */
  status: string;
  error: string | null;
  at: number;
}

export interface PhoneSummary {
  waId: string;
  name: string;
  lastMessageAt: number | null;
  messageCount: number;
}

export interface DeliveryLogEntry {
  id: number;
  at: number;
  kind: string;
  wamid: string;
  httpStatus: number;
  response: string;
}

export function toView(r: MessageRow): PhoneMessageView {
  return {
    seq: r.seq,
    wamid: r.wamid,
    direction: r.direction === "in" ? "in" : "out",
    type: r.type,
    contentJson: r.content,
    status: r.status,
    error: r.error,
    at: r.created_at,
  };
}

/** The view the phone page gets: content as a JSON object. */
export function forPage(m: PhoneMessageView): Omit<PhoneMessageView, "contentJson"> & { content: JsonObject } {
  const { contentJson, ...rest } = m;
  let content: JsonObject = {};
  try {
    const parsed: unknown = JSON.parse(contentJson);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) content = parsed as JsonObject;
  } catch {
    /* written by the simulator itself; never malformed in practice */
  }
  return { ...rest, content };
}
