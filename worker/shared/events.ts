// Realtime events the InboxRoom pushes to staff browsers. Shared by the worker and inbox-ui.
import type { TemplateListItem } from "./wire-types";

/** `unconfirmed`: WhatsApp's answer to the send was lost; its status webhook settles it (docs/delivery-guarantees.md). */
/** `scheduled`: waits a few seconds so staff can undo it (report status news); `cancelled`: undone, never sent. */
export type MessageStatus = "received" | "scheduled" | "cancelled" | "pending" | "unconfirmed" | "sent" | "delivered" | "read" | "failed";

export interface MessageView {
  id: string;
  conversationId: string;
  citizenId: string;
  direction: "in" | "out" | "note";
  type: string;
  text: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorReason: string | null;
  staffId: string | null;
  /** GET path of the stored photo/file, when there is one and it is stored. */
  mediaUrl: string | null;
  mediaStatus: "pending" | "stored" | "failed" | "deleted" | null;
  mediaMimeType: string | null;
  location: { latitude: number; longitude: number; name?: string; address?: string } | null;
  sentAt: number;
  /** A scheduled message: until when it can be undone (epoch ms); null otherwise. */
  undoUntil?: number | null;
  /** Sent by the system on a clerk's action (status news), not written by a clerk. */
  automatic?: boolean;
}

export type RoomEvent =
  | { type: "message.created"; conversationId: string; message: MessageView; citizenName: string | null }
  | { type: "message.status"; conversationId: string; messageId: string; status: MessageStatus; errorCode: number | null; errorReason: string | null }
  | { type: "media.updated"; conversationId: string; messageId: string; mediaStatus: "stored" | "failed"; mediaUrl: string | null }
  | { type: "conversation.claimed"; conversationId: string; staffId: string; staffName: string }
  | { type: "conversation.released"; conversationId: string; staffId: string }
  /** staffId null: resolved automatically (a conversation that only held keyword sign-ups). */
  | { type: "conversation.resolved"; conversationId: string; staffId: string | null }
  | { type: "conversation.reopened"; conversationId: string; staffId: string | null }
  | { type: "conversation.read"; conversationId: string; staffId: string }
  | { type: "note.added"; conversationId: string; message: MessageView }
  | { type: "report.changed"; conversationId: string; category: string | null; status: string | null }
  | { type: "broadcast.progress"; broadcastId: string; counts: Record<string, number>; status: string }
  | { type: "admin.alert"; kind: string; message: string }
  /** Four eyes (docs/trust.md): a broadcast waits for approval, or was approved or rejected. */
  | { type: "broadcast.approval"; broadcastId: string; title: string; state: "pending" | "approved" | "rejected" | null; byName: string | null; authorId: string | null }
  /** A template's review status or category changed (Meta's webhook, or submitted from the app). */
  | { type: "template.updated"; template: TemplateListItem };

/** One staff member in the inbox right now (several tabs are merged into one entry). */
export interface PresenceEntry {
  staffId: string;
  name: string;
  /** Conversation open on screen, if any. */
  viewing: string | null;
  /** Conversation they are typing a reply in, if any. */
  typing: string | null;
}

/** Room-only messages: the greeting on connect and the presence list (sent on every change). */
export type PresenceEvent =
  | { type: "hello"; staffId: string }
  | { type: "presence.state"; staff: PresenceEntry[] };

/** Everything the InboxRoom sends to a browser. */
export type ServerMessage = RoomEvent | PresenceEvent;

/** What a browser may send to the InboxRoom. Typing expires unless repeated (docs/realtime.md). */
export type ClientMessage =
  | { type: "presence.view"; conversationId: string | null }
  | { type: "presence.typing"; conversationId: string; typing: boolean };
