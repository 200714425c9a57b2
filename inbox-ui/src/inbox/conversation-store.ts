// The open conversation: its detail, message history (older pages on demand) and the actions on it.
import { signal } from "@preact/signals";
import { call, isApiError } from "../lib/api";
import { client, type Created, type Input } from "../lib/client";
import { setViewing } from "../lib/room";
import type { ConversationDetail, ConversationSummary, MessageStatus, MessageView, ReportDetail } from "../lib/types";
import { errorText } from "../ui/errors";
import { patchItem, scheduleHeadRefresh } from "./list-store";

export interface OpenConversation {
  conversation: ConversationDetail;
  messages: MessageView[];
  /** Cursor for older messages; null when the start of the history is loaded. */
  olderCursor: string | null;
}

export const openConv = signal<OpenConversation | null>(null);
export const openId = signal<string | null>(null);
export const openLoading = signal(false);
export const openError = signal<string | null>(null);
export const loadingOlder = signal(false);

let openSeq = 0;

const bySentAt = (a: MessageView, b: MessageView) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1);

/** Statuses may arrive out of order (a fetch can also be older than a live event): only move forward. */
const statusRank: Record<MessageStatus, number> = { received: 0, scheduled: 0, cancelled: 6, pending: 1, unconfirmed: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

export function laterStatus(current: MessageView, next: Pick<MessageView, "status" | "errorCode" | "errorReason">): Pick<MessageView, "status" | "errorCode" | "errorReason"> {
  if (current.status === "failed" || current.status === "cancelled" || statusRank[next.status] < statusRank[current.status]) {
    return { status: current.status, errorCode: current.errorCode, errorReason: current.errorReason };
  }
  return { status: next.status, errorCode: next.errorCode, errorReason: next.errorReason };
}

export function mergeMessages(existing: MessageView[], incoming: MessageView[]): MessageView[] {
  const map = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) {
    const old = map.get(m.id);
    map.set(m.id, old ? { ...old, ...m, ...laterStatus(old, m), mediaUrl: m.mediaUrl ?? old.mediaUrl, mediaStatus: m.mediaStatus ?? old.mediaStatus } : m);
  }
  return [...map.values()].sort(bySentAt);
}

/** Keeps the list entry in step with what the detail says (assignee, status, report, unread). */
function syncListItem(c: ConversationDetail): void {
  patchItem(c.id, (item): ConversationSummary => ({
    ...item,
    status: c.status,
    assignee: c.assignee,
    unreadCount: c.unreadCount,
    windowOpenUntil: c.windowOpenUntil,
    report: c.report ? { category: c.report.category, status: c.report.status } : null,
  }));
}

export function setOpenConversation(c: ConversationDetail): void {
  const cur = openConv.value;
  if (cur && cur.conversation.id === c.id) openConv.value = { ...cur, conversation: c };
  syncListItem(c);
}

export async function markRead(id: string): Promise<void> {
  patchItem(id, (c) => ({ ...c, unreadCount: 0 }));
  try {
    await call(client.api.conversations[":id"].read.$post({ param: { id } }));
  } catch {
    /* unread badge is cosmetic; the next list refresh shows the server's count */
  }
}

export async function openConversation(id: string | null): Promise<void> {
  const seq = ++openSeq;
  openId.value = id;
  openError.value = null;
  setViewing(id);
  if (!id) {
    openConv.value = null;
    return;
  }
  if (openConv.value?.conversation.id !== id) openConv.value = null;
  openLoading.value = true;
  try {
    const res = await call(client.api.conversations[":id"].$get({ param: { id }, query: {} }));
    if (seq !== openSeq) return;
    openConv.value = { conversation: res.conversation, messages: [...res.messages].sort(bySentAt), olderCursor: res.nextCursor };
    if (res.conversation.unreadCount > 0) void markRead(id);
  } catch (err) {
    if (seq === openSeq) openError.value = isApiError(err, "not_found") ? "not_found" : errorText(err);
  } finally {
    if (seq === openSeq) openLoading.value = false;
  }
}

/** Catch-up after a reconnect or a change made elsewhere: newest page merged into what is shown. */
export async function refreshOpen(): Promise<void> {
  const cur = openConv.value;
  if (!cur) return;
  const id = cur.conversation.id;
  const seq = openSeq;
  try {
    const res = await call(client.api.conversations[":id"].$get({ param: { id }, query: {} }));
    const now = openConv.value;
    if (seq !== openSeq || !now || now.conversation.id !== id) return;
    openConv.value = { ...now, conversation: res.conversation, messages: mergeMessages(now.messages, res.messages) };
  } catch {
    /* shown again on the next event or reconnect */
  }
}

export async function loadOlder(): Promise<void> {
  const cur = openConv.value;
  if (!cur?.olderCursor || loadingOlder.value) return;
  const id = cur.conversation.id;
  loadingOlder.value = true;
  try {
    const res = await call(client.api.conversations[":id"].$get({ param: { id }, query: { before: cur.olderCursor } }));
    const now = openConv.value;
    if (!now || now.conversation.id !== id) return;
    openConv.value = { ...now, messages: mergeMessages(now.messages, res.messages), olderCursor: res.nextCursor };
  } finally {
    loadingOlder.value = false;
  }
}

export function addMessage(message: MessageView): void {
  const cur = openConv.value;
  if (!cur || cur.conversation.id !== message.conversationId) return;
  openConv.value = { ...cur, messages: mergeMessages(cur.messages, [message]) };
}

export function patchMessage(conversationId: string, messageId: string, fn: (m: MessageView) => MessageView): void {
  const cur = openConv.value;
  if (!cur || cur.conversation.id !== conversationId) return;
  if (!cur.messages.some((m) => m.id === messageId)) return;
  openConv.value = { ...cur, messages: cur.messages.map((m) => (m.id === messageId ? fn(m) : m)) };
}

export function patchOpenConversation(conversationId: string, fn: (c: ConversationDetail) => ConversationDetail): void {
  const cur = openConv.value;
  if (!cur || cur.conversation.id !== conversationId) return;
  openConv.value = { ...cur, conversation: fn(cur.conversation) };
}

const conversation = client.api.conversations[":id"];

export type ConversationAction = "claim" | "release" | "resolve" | "reopen";

/** Claim/release/resolve/reopen; the answer carries the updated conversation. */
export async function runAction(id: string, action: ConversationAction): Promise<void> {
  const res = await call(conversation[action].$post({ param: { id } }));
  setOpenConversation(res.conversation);
  scheduleHeadRefresh();
}

export async function sendReply(id: string, text: string, takeover: boolean, mediaId?: string): Promise<void> {
  const json: Input<typeof conversation.messages.$post>["json"] = { text };
  if (takeover) json.takeover = true;
  if (mediaId) json.mediaId = mediaId;
  const res = await call(conversation.messages.$post({ param: { id }, json }));
  addMessage(res.message);
}

export async function sendNote(id: string, text: string): Promise<void> {
  const res = await call(conversation.notes.$post({ param: { id }, json: { text } }));
  addMessage(res.message);
}

export async function sendTemplate(id: string, name: string, language: string, parameters: string[], takeover = false): Promise<void> {
  const res = await call(conversation.template.$post({ param: { id }, json: takeover ? { name, language, parameters, takeover: true } : { name, language, parameters } }));
  addMessage(res.message);
}

export type UploadedMedia = Created<typeof client.api.media.$post>["media"];

/** A photo for a reply: stored first (POST /api/media), then sent by its id. */
export async function uploadPhoto(file: File): Promise<UploadedMedia> {
  return (await call(client.api.media.$post({ form: { file } }))).media;
}

/** A change to the report's fields (the other form of the body, `{ report: null }`, removes the report). */
export type ReportPatch = Exclude<Input<typeof conversation.report.$patch>["json"], { report: null }>;

export async function updateReport(id: string, patch: ReportPatch | { report: null }): Promise<ReportDetail | null> {
  const res = await call(conversation.report.$patch({ param: { id }, json: patch }));
  setOpenConversation(res.conversation);
  return res.conversation.report;
}
