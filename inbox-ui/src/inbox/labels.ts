// Wording shared by the list and the conversation: names, numbers, previews, statuses.
import { t, type StringKey } from "../i18n";
import type { ConversationSummary, MessageStatus, MessageView, ReportStatus } from "../lib/types";
import { formatPhone } from "../ui/phone";

export function citizenName(c: ConversationSummary["citizen"]): string {
  return c.name?.trim() || (c.waId ? formatPhone(c.waId) : t("unknownCitizen"));
}

/** wa_id is digits with country code; the app writes every number the same way (ui/phone.ts). */
export { formatPhone } from "../ui/phone";

const typeKeys: Record<string, StringKey> = {
  image: "typeImage",
  video: "typeVideo",
  audio: "typeAudio",
  document: "typeDocument",
  sticker: "typeSticker",
  location: "typeLocation",
  contacts: "typeContacts",
  template: "typeTemplate",
};

/** Like the server's list preview: the text, or the kind of message (with a photo's caption). */
export function messagePreview(m: Pick<MessageView, "text" | "type">): string {
  const text = m.text?.trim();
  const key = typeKeys[m.type];
  if (key && m.type !== "template" && m.type !== "location") return text ? `${t(key)}: ${text}` : t(key);
  if (text) return text;
  return key ? t(key) : t("typeOther");
}

export const statusKeys: Record<MessageStatus, StringKey> = {
  received: "statusReceived",
  scheduled: "statusScheduled",
  cancelled: "statusCancelled",
  pending: "statusPending",
  unconfirmed: "statusUnconfirmed",
  sent: "statusSent",
  delivered: "statusDelivered",
  read: "statusRead",
  failed: "statusFailed",
};

export const reportStatusKeys: Record<ReportStatus, StringKey> = {
  neu: "reportStatusNew",
  in_bearbeitung: "reportStatusInProgress",
  erledigt: "reportStatusDone",
};

export function reportStatusLabel(s: string | null | undefined): string {
  return s && s in reportStatusKeys ? t(reportStatusKeys[s as ReportStatus]) : "";
}

export function initials(name: string): string {
  const parts = name.replace(/^\+/, "").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const first = parts[0] ?? "";
  if (/^\d/.test(first)) return "#";
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? "") : "";
  // "Bürger 31" → "B", not "B3".
  return (first.charAt(0) + (/^\p{L}/u.test(last) ? last.charAt(0) : "")).toUpperCase();
}
