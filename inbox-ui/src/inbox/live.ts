// Applies the InboxRoom's live events to the list and the open conversation, and catches up
// after a reconnect (re-fetching both), so a dropped connection never leaves stale data behind.
import { signal } from "@preact/signals";
import { onRoomReconnect, presence, subscribeRoom } from "../lib/room";
import type { ConversationSummary, RoomEvent } from "../lib/types";
import { addMessage, laterStatus, markRead, openConv, patchMessage, patchOpenConversation, refreshOpen } from "./conversation-store";
import { messagePreview } from "./labels";
import { patchItem, reloadList, scheduleHeadRefresh } from "./list-store";

/** Names of staff seen so far (presence, claims), to label who wrote an outbound message. */
export const staffNames = signal<Record<string, string>>({});

export function rememberStaff(id: string, name: string): void {
  if (staffNames.value[id] === name) return;
  staffNames.value = { ...staffNames.value, [id]: name };
}

const WINDOW_MS = 24 * 60 * 60 * 1000;

function isViewing(conversationId: string): boolean {
  return openConv.value?.conversation.id === conversationId && document.visibilityState === "visible";
}

export function applyRoomEvent(e: RoomEvent): void {
  switch (e.type) {
    case "message.created": {
      const m = e.message;
      addMessage(m);
      const inbound = m.direction === "in";
      if (inbound) patchOpenConversation(e.conversationId, (c) => ({ ...c, windowOpen: true, windowOpenUntil: Math.max(c.windowOpenUntil ?? 0, m.sentAt + WINDOW_MS) }));
      const viewing = isViewing(e.conversationId);
      const found = patchItem(e.conversationId, (c): ConversationSummary => ({
        ...c,
        citizen: e.citizenName && !c.citizen.name ? { ...c.citizen, name: e.citizenName } : c.citizen,
        lastMessageAt: Math.max(c.lastMessageAt, m.sentAt),
        lastMessagePreview: m.direction === "note" ? c.lastMessagePreview : messagePreview(m),
        unreadCount: inbound && !viewing ? c.unreadCount + 1 : c.unreadCount,
        windowOpenUntil: inbound ? Math.max(c.windowOpenUntil ?? 0, m.sentAt + WINDOW_MS) : c.windowOpenUntil,
      }));
      if (inbound && viewing) void markRead(e.conversationId);
      // A conversation not in the list (new, or further down) changes the list and the counts.
      if (!found) scheduleHeadRefresh();
      return;
    }
    case "conversation.read":
      patchItem(e.conversationId, (c) => ({ ...c, unreadCount: 0 }));
      patchOpenConversation(e.conversationId, (c) => ({ ...c, unreadCount: 0 }));
      return;
    case "note.added":
      addMessage(e.message);
      return;
    case "message.status":
      patchMessage(e.conversationId, e.messageId, (m) => ({ ...m, ...laterStatus(m, e) }));
      return;
    case "media.updated":
      patchMessage(e.conversationId, e.messageId, (m) => ({ ...m, mediaStatus: e.mediaStatus, mediaUrl: e.mediaUrl }));
      return;
    case "conversation.claimed": {
      rememberStaff(e.staffId, e.staffName);
      const assignee = { id: e.staffId, name: e.staffName };
      patchOpenConversation(e.conversationId, (c) => ({ ...c, assignee }));
      patchItem(e.conversationId, (c) => ({ ...c, assignee }));
      scheduleHeadRefresh();
      return;
    }
    case "conversation.released":
      patchOpenConversation(e.conversationId, (c) => ({ ...c, assignee: null }));
      patchItem(e.conversationId, (c) => ({ ...c, assignee: null }));
      scheduleHeadRefresh();
      return;
    case "conversation.resolved":
      patchOpenConversation(e.conversationId, (c) => ({ ...c, status: "resolved" }));
      patchItem(e.conversationId, (c) => ({ ...c, status: "resolved" }));
      scheduleHeadRefresh();
      return;
    case "conversation.reopened":
      patchOpenConversation(e.conversationId, (c) => ({ ...c, status: "open" }));
      patchItem(e.conversationId, (c) => ({ ...c, status: "open" }));
      scheduleHeadRefresh();
      return;
    case "report.changed": {
      // A report always has a category and a status; the event carries nulls when it was removed.
      const report = e.category === null || e.status === null ? null : { category: e.category, status: e.status as NonNullable<ConversationSummary["report"]>["status"] };
      patchItem(e.conversationId, (c) => ({ ...c, report }));
      // Location and address are not in the event: fetch the detail if it is open.
      if (openConv.value?.conversation.id === e.conversationId) void refreshOpen();
      return;
    }
    default:
      return;
  }
}

/** Starts applying live events; returns the stop function. */
export function startLiveInbox(): () => void {
  const offEvents = subscribeRoom(applyRoomEvent);
  const offReconnect = onRoomReconnect(() => {
    void reloadList();
    void refreshOpen();
  });
  const offPresence = presence.subscribe((list) => {
    for (const p of list) rememberStaff(p.staffId, p.name);
  });
  return () => {
    offEvents();
    offReconnect();
    offPresence();
  };
}
