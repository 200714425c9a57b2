// Shapes of the staff API: all from the server (type-only imports; the answers of routes through the
// typed client, lib/client.ts). Nothing here is written by hand.
import type { InferResponseType } from "hono/client";
import type { client } from "./client";
export type { MessageView, MessageStatus, RoomEvent, PresenceEntry, ServerMessage, ClientMessage } from "../../../worker/shared/events";
export type { ConversationDetail, ConversationSummary, ReportDetail, ReportStatus } from "../../../worker/shared/wire-types";
export type { Role, StaffIdentity } from "../../../worker/auth/roles";
export type { StaffView as Staff } from "../../../worker/auth/staff";
export type { ConversationFilter as ListFilter } from "../../../worker/inbox/conversations";
export type { TemplateListItem as Template } from "../../../worker/shared/wire-types";

/** GET /api/conversations */
export type ConversationListResponse = InferResponseType<typeof client.api.conversations.$get, 200>;
