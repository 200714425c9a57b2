// The realtime hub of the shared inbox: one room per deployment (/parties/inbox/main).
// Hibernation keeps idle staff connections free. Connection auth happens before the room is
// reached (see worker/index.ts), so every connection here is an authenticated staff member.
import { Server, type Connection } from "partyserver";
import type { Env } from "../env";
import type { RoomEvent } from "../shared/events";

export class InboxRoom extends Server<Env> {
  static override options = { hibernate: true };

  /** Called by the worker (RPC) after data is stored. */
  async publish(events: RoomEvent[]): Promise<void> {
    for (const event of events) this.broadcast(JSON.stringify(event));
  }

  override onMessage(_connection: Connection, _message: string | ArrayBuffer): void {
    // Presence and typing messages are handled by the inbox presence module (issue 3).
  }
}
