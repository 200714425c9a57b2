// WebSocket clients of the InboxRoom for Workers-runtime tests (through the real Worker entry).
import { exports } from "cloudflare:workers";
import type { ServerMessage } from "../../worker/shared/events";
import { BASE_URL, type Session } from "./auth";

export interface RoomClient {
  ws: WebSocket;
  /** Every message received so far, parsed. */
  received: ServerMessage[];
  /** Resolves with the first message (already received or arriving) that matches. */
  waitFor<T extends ServerMessage["type"]>(type: T, match?: (m: Extract<ServerMessage, { type: T }>) => boolean): Promise<Extract<ServerMessage, { type: T }>>;
  /** Resolves when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  send(msg: unknown): void;
  close(): void;
}

const open: RoomClient[] = [];

export async function connectRaw(headers: Record<string, string> = {}, path = "/parties/inbox/main"): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE_URL}${path}`, { headers: { upgrade: "websocket", ...headers } }));
}

export async function connectRoom(as: Session, extraHeaders: Record<string, string> = {}): Promise<RoomClient> {
  const res = await connectRaw({ cookie: as.cookie, origin: BASE_URL, ...extraHeaders });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`websocket refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const received: ServerMessage[] = [];
  const waiters: { check: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  let onClose: (v: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClose = r));
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(String(e.data)) as ServerMessage;
    received.push(msg);
    for (const w of [...waiters]) {
      if (w.check(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  ws.addEventListener("close", (e) => onClose({ code: e.code, reason: e.reason }));
  const client: RoomClient = {
    ws,
    received,
    closed,
    waitFor(type, match) {
      const check = (m: ServerMessage) => m.type === type && (!match || match(m as never));
      const hit = received.find(check);
      if (hit) return Promise.resolve(hit as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} message arrived; got ${JSON.stringify(received.map((m) => m.type))}`)), 3000);
        waiters.push({
          check,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as never);
          },
        });
      });
    },
    send: (msg) => ws.send(JSON.stringify(msg)),
    close: () => {
      try {
        ws.close(1000, "test done");
      } catch {
        // already closed
      }
    },
  };
  open.push(client);
  return client;
}

/** Closes every socket a test opened (call in afterEach). */
export function closeAllRooms(): void {
  for (const c of open.splice(0)) c.close();
}

/** The latest presence list a client saw. */
export function lastPresence(c: RoomClient) {
  const all = c.received.filter((m): m is Extract<ServerMessage, { type: "presence.state" }> => m.type === "presence.state");
  return all[all.length - 1]?.staff ?? [];
}
