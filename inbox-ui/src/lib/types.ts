// Shapes of the staff API (see /api contract in the README). Realtime event types come from the worker.
export type { MessageView, MessageStatus, RoomEvent, PresenceEntry, ServerMessage, ClientMessage } from "../../../worker/shared/events";
export type { ConversationDetail, ConversationSummary, ReportDetail, ReportStatus } from "../../../worker/shared/wire-types";
import type { ConversationSummary } from "../../../worker/shared/wire-types";

export type Role = "admin" | "editor" | "agent";

export interface StaffIdentity {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Staff extends StaffIdentity {
  disabled: boolean;
  phone: string | null;
  createdAt: number;
}

export type ListFilter = "open" | "mine" | "unassigned" | "resolved";

export interface ConversationListResponse {
  conversations: ConversationSummary[];
  nextCursor: string | null;
  counts: Record<ListFilter, number>;
}

export interface Template {
  id?: string;
  name: string;
  language: string;
  category?: string;
  status?: string;
  body?: string;
  parameterCount?: number;
}
