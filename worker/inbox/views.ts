// Shapes stored rows into the MessageView that the API and the realtime room send to staff.
import type { MessageView, MessageStatus } from "../shared/events";
import { mediaPath } from "../media/paths";

export interface MessageRowLike {
  id: string;
  conversationId: string;
  citizenId: string;
  direction: "in" | "out" | "note";
  type: string;
  text: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorTitle: string | null;
  staffId: string | null;
  payload: Record<string, unknown> | null;
  mediaId: string | null;
  sentAt: number;
}

export interface MediaRowLike {
  id: string;
  status: "pending" | "stored" | "failed" | "deleted";
  mimeType: string | null;
}


export function toMessageView(m: MessageRowLike, media: MediaRowLike | null, reason: (code: number | null, title: string | null) => string | null = (_c, t) => t): MessageView {
  const loc = m.payload?.location as MessageView["location"] | undefined;
  return {
    id: m.id,
    conversationId: m.conversationId,
    citizenId: m.citizenId,
    direction: m.direction,
    type: m.type,
    text: m.text,
    status: m.status,
    errorCode: m.errorCode,
    errorReason: m.status === "failed" ? reason(m.errorCode, m.errorTitle) : null,
    staffId: m.staffId,
    mediaUrl: media?.status === "stored" ? mediaPath(media.id) : null,
    mediaStatus: media?.status ?? null,
    mediaMimeType: media?.mimeType ?? null,
    location: loc && typeof loc.latitude === "number" ? loc : null,
    sentAt: m.sentAt,
    undoUntil: m.status === "scheduled" && typeof m.payload?.notBefore === "number" ? m.payload.notBefore : null,
    automatic: m.direction === "out" && typeof m.payload?.auto === "string",
  };
}
