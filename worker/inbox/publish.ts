// Sends events to the InboxRoom. The room being briefly unavailable must never fail the caller:
// the data is already stored, and browsers catch up from the API when they reconnect.
import type { Env } from "../env";
import type { RoomEvent } from "../shared/events";

export const ROOM_NAME = "main";

export async function publishToRoom(env: Pick<Env, "Inbox">, events: RoomEvent[]): Promise<boolean> {
  if (events.length === 0) return true;
  try {
    await env.Inbox.getByName(ROOM_NAME).publish(events);
    return true;
  } catch (err) {
    console.warn("inbox room unavailable; events will be picked up on reconnect", err);
    return false;
  }
}

/** Closes a staff member's open websockets (after they were disabled). Never throws. */
export async function disconnectStaffFromRoom(env: Pick<Env, "Inbox">, staffId: string): Promise<boolean> {
  try {
    await env.Inbox.getByName(ROOM_NAME).disconnectStaff(staffId);
    return true;
  } catch (err) {
    // Their sessions are already gone, so a socket that survives cannot reconnect; it is closed
    // at the latest when its session would have expired (room.ts checks before every send).
    console.warn("could not reach the inbox room to disconnect staff", err);
    return false;
  }
}

/** Closes the websockets opened with one session (after logout). Never throws. */
export async function disconnectSessionFromRoom(env: Pick<Env, "Inbox">, sessionHash: string): Promise<boolean> {
  try {
    await env.Inbox.getByName(ROOM_NAME).disconnectSession(sessionHash);
    return true;
  } catch (err) {
    console.warn("could not reach the inbox room to close a session's sockets", err);
    return false;
  }
}
