// The live connection to the InboxRoom (/parties/inbox/main) over partysocket, which reconnects by
// itself. Pages subscribe to RoomEvents; after a reconnect, onRoomReconnect listeners catch up by
// re-fetching what they show, so nothing missed while offline stays missing.
import PartySocket from "partysocket";
import { signal } from "@preact/signals";
import { loadSession } from "./session";
import type { ClientMessage, PresenceEntry, RoomEvent, ServerMessage } from "./types";

export type ConnectionState = "offline" | "connecting" | "live" | "reconnecting";

export const connectionState = signal<ConnectionState>("offline");
/** Everyone online: who views and who types in which conversation (from presence.state). */
export const presence = signal<PresenceEntry[]>([]);
/** The most recent event, for pages that prefer a signal over subscribeRoom(). */
export const lastRoomEvent = signal<RoomEvent | null>(null);

type Listener = (event: RoomEvent) => void;
const listeners = new Set<Listener>();
const reconnectListeners = new Set<() => void>();

let socket: PartySocket | null = null;
let viewing: string | null = null;
let typingIn: string | null = null;
let typingSentAt = 0;
let lastSessionCheck = 0;

/** The room drops a typing indicator after 6 s unless it is repeated; we repeat every 3 s. */
const TYPING_REFRESH_MS = 3_000;
/** Close codes of the room: session ended (logout/expiry) and account disabled. */
const SESSION_CLOSE_CODES = new Set([4001, 4003]);

export function subscribeRoom(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onRoomReconnect(fn: () => void): () => void {
  reconnectListeners.add(fn);
  return () => reconnectListeners.delete(fn);
}

function sendRaw(message: ClientMessage): void {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Tells the others which conversation this person has open (null = none). */
export function setViewing(conversationId: string | null): void {
  if (typingIn && typingIn !== conversationId) setTyping(typingIn, false);
  viewing = conversationId;
  sendRaw({ type: "presence.view", conversationId });
}

/** Call on every keystroke with true and once with false when the person stops or sends. */
export function setTyping(conversationId: string, typing: boolean): void {
  const now = Date.now();
  if (typing) {
    if (typingIn === conversationId && now - typingSentAt < TYPING_REFRESH_MS) return;
    typingIn = conversationId;
    typingSentAt = now;
  } else {
    if (typingIn !== conversationId) return;
    typingIn = null;
  }
  sendRaw({ type: "presence.typing", conversationId, typing });
}

function handleMessage(raw: unknown): void {
  if (typeof raw !== "string") return;
  let data: ServerMessage;
  try {
    data = JSON.parse(raw) as ServerMessage;
  } catch {
    return;
  }
  if (!data || typeof data !== "object" || typeof data.type !== "string") return;
  if (data.type === "presence.state") {
    presence.value = Array.isArray(data.staff) ? data.staff : [];
    return;
  }
  if (data.type === "hello") return;
  lastRoomEvent.value = data;
  for (const fn of listeners) {
    try {
      fn(data);
    } catch (err) {
      console.error("room listener failed", err);
    }
  }
}

/** A refused upgrade looks like a plain close; asking /api/me tells an expired session from a network drop. */
function checkSessionSoon(force = false): void {
  const now = Date.now();
  if (!force && now - lastSessionCheck < 10_000) return;
  lastSessionCheck = now;
  void loadSession();
}

function onBrowserOnline(): void {
  socket?.reconnect();
}

export function connectRoom(): void {
  if (socket) return;
  let openedBefore = false;
  connectionState.value = "connecting";
  const ws = new PartySocket({
    host: location.host,
    protocol: location.protocol === "https:" ? "wss" : "ws",
    party: "inbox",
    room: "main",
    minReconnectionDelay: 400 + Math.random() * 600,
    maxReconnectionDelay: 8000,
  });
  socket = ws;
  ws.addEventListener("open", () => {
    if (socket !== ws) return;
    connectionState.value = "live";
    if (viewing) sendRaw({ type: "presence.view", conversationId: viewing });
    openedBefore = true;
    // Also on the first open: events between the page's first fetch and this moment were not seen.
    for (const fn of reconnectListeners) fn();
  });
  ws.addEventListener("close", (ev: CloseEvent) => {
    if (socket !== ws) return;
    connectionState.value = openedBefore ? "reconnecting" : "connecting";
    typingIn = null;
    checkSessionSoon(SESSION_CLOSE_CODES.has(ev.code));
  });
  ws.addEventListener("message", (ev: MessageEvent) => handleMessage(ev.data));
  window.addEventListener("online", onBrowserOnline);
}

export function disconnectRoom(): void {
  const ws = socket;
  socket = null;
  viewing = null;
  typingIn = null;
  window.removeEventListener("online", onBrowserOnline);
  ws?.close();
  connectionState.value = "offline";
  presence.value = [];
}
