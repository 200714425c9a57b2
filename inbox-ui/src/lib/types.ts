// Shapes of the staff API (see /api contract in the README). Realtime event types come from the worker.
export type { MessageView, MessageStatus, RoomEvent, PresenceEntry, ServerMessage, ClientMessage } from "../../../worker/shared/events";

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
export type ReportStatus = "neu" | "in_bearbeitung" | "erledigt";

export interface ConversationSummary {
  id: string;
  status: "open" | "resolved";
  citizen: { id: string; name: string | null; waId: string | null; userId: string | null };
  assignee: { id: string; name: string } | null;
  unreadCount: number;
  lastMessageAt: number;
  lastMessagePreview: string | null;
  windowOpenUntil: number | null;
  report: { category: string | null; status: ReportStatus | null } | null;
}

export interface ReportDetail {
  category: string | null;
  status: ReportStatus | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
}

export interface ConversationDetail extends Omit<ConversationSummary, "report"> {
  windowOpen: boolean;
  report: ReportDetail | null;
}

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
