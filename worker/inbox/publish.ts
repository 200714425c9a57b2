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
