// The realtime hub of the shared inbox: one room per deployment (/parties/inbox/main).
// Hibernation keeps idle staff connections free: everything a connection needs (who it is, what it
// views, where it types) lives in its attachment via connection.setState, never in instance memory.
// Connection auth happens before the room is reached (room-auth.ts), which passes the
// staff identity in headers it sets itself.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { z } from "zod";
import { ROOM_IDENTITY_HEADERS } from "./room-auth";
import type { Env } from "../env";
import type { PresenceEntry, RoomEvent, ServerMessage } from "../shared/events";

/** A typing indicator disappears this long after the last "typing" message from the browser. */
export const TYPING_TTL_MS = 6_000;

/** Close codes the browser can act on. */
export const CLOSE_CODES = {
  /** Session ended (logout or expiry): sign in again. */
  sessionEnded: 4001,
  /** Account disabled by an admin. */
  disabled: 4003,
} as const;

export interface ConnectionState {
  staffId: string;
  name: string;
  sessionHash: string;
  expiresAt: number;
  connectedAt: number;
  viewing: string | null;
  /** When `viewing` was last set, so the newest tab of a person wins. */
  viewingAt: number;
  typing: string | null;
  typingUntil: number;
}

const conversationId = z.string().min(1).max(64);
const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("presence.view"), conversationId: conversationId.nullable() }),
  z.object({ type: z.literal("presence.typing"), conversationId, typing: z.boolean() }),
]);

type StaffConnection = Connection<ConnectionState>;

export class InboxRoom extends Server<Env> {
  static override options = { hibernate: true };

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    const h = ctx.request.headers;
    return [`staff:${h.get(ROOM_IDENTITY_HEADERS.staffId) ?? ""}`, `session:${h.get(ROOM_IDENTITY_HEADERS.session) ?? ""}`];
  }

  override onConnect(connection: StaffConnection, ctx: ConnectionContext): void {
    const h = ctx.request.headers;
    const staffId = h.get(ROOM_IDENTITY_HEADERS.staffId);
    const sessionHash = h.get(ROOM_IDENTITY_HEADERS.session);
    if (!staffId || !sessionHash) {
      // Only reachable if someone routes to the room without room-auth: refuse.
      connection.close(CLOSE_CODES.sessionEnded, "Bitte anmelden");
      return;
    }
    const now = Date.now();
    connection.setState({
      staffId,
      name: safeDecode(h.get(ROOM_IDENTITY_HEADERS.name) ?? ""),
      sessionHash,
      expiresAt: Number(h.get(ROOM_IDENTITY_HEADERS.expiresAt)) || now,
      connectedAt: now,
      viewing: null,
      viewingAt: 0,
      typing: null,
      typingUntil: 0,
    });
    send(connection, { type: "hello", staffId });
    this.broadcastPresence();
  }

  override async onMessage(connection: StaffConnection, message: WSMessage): Promise<void> {
    const state = connection.state;
    if (!state) return;
    if (state.expiresAt <= Date.now()) {
      this.closeConnections([connection], CLOSE_CODES.sessionEnded, "Sitzung abgelaufen");
      return;
    }
    if (typeof message !== "string" || message.length > 1024) return;
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      return;
    }
    const parsed = clientMessageSchema.safeParse(data);
    if (!parsed.success) return; // unknown messages are ignored: old or newer clients must not break the room
    const msg = parsed.data;
    const now = Date.now();
    const before = presenceKey(state, now);
    if (msg.type === "presence.view") {
      connection.setState({
        ...state,
        viewing: msg.conversationId,
        viewingAt: now,
        // Leaving a conversation ends typing in it.
        ...(state.typing && state.typing !== msg.conversationId ? { typing: null, typingUntil: 0 } : {}),
      });
    } else if (msg.typing) {
      connection.setState({ ...state, typing: msg.conversationId, typingUntil: now + TYPING_TTL_MS });
      await this.scheduleTypingExpiry(now + TYPING_TTL_MS);
    } else if (state.typing === msg.conversationId) {
      connection.setState({ ...state, typing: null, typingUntil: 0 });
    }
    const after = connection.state;
    if (after && presenceKey(after, now) !== before) this.broadcastPresence();
  }

  override onClose(connection: StaffConnection): void {
    this.broadcastPresence([connection.id]);
  }

  override onError(connection: StaffConnection): void {
    this.broadcastPresence([connection.id]);
  }

  /** Typing indicators that were not refreshed in time disappear. */
  override async onAlarm(): Promise<void> {
    const now = Date.now();
    let changed = false;
    let next = Infinity;
    for (const c of this.openConnections()) {
      const s = c.state;
      if (!s?.typing) continue;
      if (s.typingUntil <= now) {
        c.setState({ ...s, typing: null, typingUntil: 0 });
        changed = true;
      } else {
        next = Math.min(next, s.typingUntil);
      }
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
    if (changed) this.broadcastPresence();
  }

  /** Called by the worker (RPC) after data is stored. */
  async publish(events: RoomEvent[]): Promise<void> {
    this.closeExpired();
    for (const event of events) this.broadcast(JSON.stringify(event));
  }

  /** Closes every socket of a staff member (disabled by an admin). Returns how many were open. */
  async disconnectStaff(staffId: string): Promise<number> {
    const conns = [...this.getConnections<ConnectionState>(`staff:${staffId}`)];
    this.closeConnections(conns, CLOSE_CODES.disabled, "Zugang deaktiviert");
    return conns.length;
  }

  /** Closes the sockets opened with one session (after logout). */
  async disconnectSession(sessionHash: string): Promise<number> {
    const conns = [...this.getConnections<ConnectionState>(`session:${sessionHash}`)];
    this.closeConnections(conns, CLOSE_CODES.sessionEnded, "Abgemeldet");
    return conns.length;
  }

  /** The presence list as the room would send it now (for tests and debugging). */
  async presence(): Promise<PresenceEntry[]> {
    return this.presenceList();
  }

  private closeConnections(conns: StaffConnection[], code: number, reason: string): void {
    if (conns.length === 0) return;
    for (const c of conns) {
      try {
        c.close(code, reason);
      } catch {
        // already closing
      }
    }
    this.broadcastPresence(conns.map((c) => c.id));
  }

  private closeExpired(): void {
    const now = Date.now();
    const expired = [...this.openConnections()].filter((c) => (c.state?.expiresAt ?? 0) <= now);
    this.closeConnections(expired, CLOSE_CODES.sessionEnded, "Sitzung abgelaufen");
  }

  private *openConnections(exclude: readonly string[] = []): Iterable<StaffConnection> {
    for (const c of this.getConnections<ConnectionState>()) {
      if (c.readyState === WebSocket.OPEN && !exclude.includes(c.id)) yield c;
    }
  }

  private presenceList(exclude: readonly string[] = []): PresenceEntry[] {
    const now = Date.now();
    const byStaff = new Map<string, PresenceEntry & { viewingAt: number }>();
    for (const c of this.openConnections(exclude)) {
      const s = c.state;
      if (!s) continue;
      const typing = s.typing && s.typingUntil > now ? s.typing : null;
      const entry = byStaff.get(s.staffId);
      if (!entry) {
        byStaff.set(s.staffId, { staffId: s.staffId, name: s.name, viewing: s.viewing, viewingAt: s.viewingAt, typing });
        continue;
      }
      if (s.viewing && s.viewingAt >= entry.viewingAt) {
        entry.viewing = s.viewing;
        entry.viewingAt = s.viewingAt;
      }
      entry.typing ??= typing;
    }
    return [...byStaff.values()]
      .map(({ staffId, name, viewing, typing }) => ({ staffId, name, viewing, typing }))
      .sort((a, b) => a.name.localeCompare(b.name, "de") || a.staffId.localeCompare(b.staffId));
  }

  private broadcastPresence(exclude: readonly string[] = []): void {
    const msg = JSON.stringify({ type: "presence.state", staff: this.presenceList(exclude) } satisfies ServerMessage);
    for (const c of this.openConnections(exclude)) {
      try {
        c.send(msg);
      } catch {
        // a socket that died between checks is cleaned up by its close event
      }
    }
  }

  private async scheduleTypingExpiry(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}

function send(connection: Connection, msg: ServerMessage): void {
  connection.send(JSON.stringify(msg));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What others see of a connection; presence is broadcast only when this changes. */
function presenceKey(s: ConnectionState, now: number): string {
  return `${s.viewing ?? ""}|${s.typing && s.typingUntil > now ? s.typing : ""}`;
}
