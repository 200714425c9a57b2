// Who may open the InboxRoom websocket. Only the "inbox" party is reachable from outside.
import type { Env } from "../env";

export async function authorizeRoomConnection(
  _request: Request,
  _env: Env,
  party: string,
): Promise<Response | undefined> {
  if (party !== "inbox") return Response.json({ error: { code: "not_found", message: "Nicht gefunden" } }, { status: 404 });
  // Staff sessions arrive with the inbox issue; until then nobody may connect.
  return Response.json({ error: { code: "unauthorized", message: "Bitte anmelden" } }, { status: 401 });
}
