// Who may open the InboxRoom websocket: staff with a valid session. The identity is handed to the
// room in headers set here; any such headers the client sent are removed first, so they cannot be forged.
import { parse as parseCookies } from "hono/utils/cookie";
import { getDb } from "../db/client";
import { ROOM_NAME } from "./publish";
import type { Env } from "../env";
import { isSameOrigin } from "../auth/middleware";
import { findSession, SESSION_COOKIE } from "../auth/sessions";
import { MESSAGES } from "../shared/errors";

export const ROOM_IDENTITY_HEADERS = {
  staffId: "x-townwire-staff-id",
  /** URI-encoded: header values must be Latin-1, names may hold any character. */
  name: "x-townwire-staff-name",
  role: "x-townwire-staff-role",
  session: "x-townwire-session",
  expiresAt: "x-townwire-session-expires",
} as const;

const json = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/** The session cookie, parsed the same way hono/cookie's getCookie does for the API. */
function sessionToken(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  return header ? parseCookies(header, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
}

/** Only the inbox room is reachable from outside: binding "Inbox", room "main". */
export async function authorizeRoomConnection(
  request: Request,
  env: Env,
  lobby: { className: string; name: string },
): Promise<Response | Request> {
  if (lobby.className !== "Inbox" || lobby.name !== ROOM_NAME) return json(404, "not_found", MESSAGES.noSuchAddress);
  // A browser always sends Origin on a websocket; a foreign one is a cross-site hijack attempt.
  if (request.headers.get("origin") && !isSameOrigin(request)) return json(403, "bad_origin", MESSAGES.foreignOrigin);
  const session = await findSession(getDb(env.DB), sessionToken(request));
  if (!session) return json(401, "unauthorized", MESSAGES.signIn);

  const headers = new Headers(request.headers);
  for (const h of Object.values(ROOM_IDENTITY_HEADERS)) headers.delete(h);
  headers.set(ROOM_IDENTITY_HEADERS.staffId, session.staff.id);
  headers.set(ROOM_IDENTITY_HEADERS.name, encodeURIComponent(session.staff.name));
  headers.set(ROOM_IDENTITY_HEADERS.role, session.staff.role);
  headers.set(ROOM_IDENTITY_HEADERS.session, session.tokenHash);
  headers.set(ROOM_IDENTITY_HEADERS.expiresAt, String(session.expiresAt));
  return new Request(request, { headers });
}
