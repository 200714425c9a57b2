// One message of the history: text, photo/file, location, author, and WhatsApp status.
import { t } from "../i18n";
import type { MessageView } from "../lib/types";
import { formatCoordinates, formatTime, openStreetMapUrl } from "../ui";
import { Icon } from "../ui/icons";
import { statusKeys } from "./labels";
import { UndoNotice } from "../outreach/UndoNotice";

export interface MessageItemProps {
  m: MessageView;
  author: string | null;
  citizen: string;
  onOpenPhoto: (m: MessageView) => void;
}

/** "Foto von Franz Müller" for the citizen's photos, "Gesendetes Foto" for the town's. */
export function photoTitle(m: MessageView, citizen: string): string {
  return m.direction === "in" ? t("photoFrom", { name: citizen }) : t("photoSent");
}

function StatusMark({ m }: { m: MessageView }) {
  if (m.direction !== "out") return null;
  const ticks: Record<string, string> = { sent: "✓", delivered: "✓✓", read: "✓✓" };
  const tick = ticks[m.status];
  return (
    <span class={`msg-status st-${m.status}`} data-status={m.status}>
      {tick ? (
        <span aria-hidden="true" class="msg-status-mark">
          {tick}
        </span>
      ) : (
        <Icon name={m.status === "failed" ? "warning" : "clock"} />
      )}{" "}
      {t(statusKeys[m.status])}
    </span>
  );
}

function Media({ m, citizen, onOpenPhoto }: Omit<MessageItemProps, "author">) {
  const isImage = m.type === "image" || m.type === "sticker" || (m.mediaMimeType?.startsWith("image/") ?? false);
  if (m.mediaStatus === null && !m.mediaUrl) return null;
  if (m.mediaStatus === "pending") return <p class="media-note">{isImage ? t("photoPending") : t("filePending")}</p>;
  if (m.mediaStatus === "failed") return <p class="media-note media-failed">{isImage ? t("photoFailed") : t("fileFailed")}</p>;
  if (m.mediaStatus === "deleted" || !m.mediaUrl) return <p class="media-note">{t("mediaDeleted")}</p>;
  if (isImage) {
    return (
      <button type="button" class="thumb" onClick={() => onOpenPhoto(m)} aria-label={t("photoEnlarge")} aria-haspopup="dialog">
        <img src={m.mediaUrl} alt={photoTitle(m, citizen)} loading="lazy" />
      </button>
    );
  }
  if (m.type === "audio" || m.mediaMimeType?.startsWith("audio/")) return <audio controls preload="none" src={m.mediaUrl} aria-label={t("typeAudio")} />;
  if (m.type === "video" || m.mediaMimeType?.startsWith("video/")) return <video controls preload="metadata" src={m.mediaUrl} class="msg-video" aria-label={t("typeVideo")} />;
  return (
    <a class="file-link" href={m.mediaUrl} target="_blank" rel="noopener">
      <Icon name="file" />{" "}
      {t("fileOpen")}
    </a>
  );
}

function Location({ loc }: { loc: NonNullable<MessageView["location"]> }) {
  return (
    <div class="location">
      <p class="location-title">
        <Icon name="pin" />{" "}
        {loc.name || t("typeLocation")}
      </p>
      {loc.address && <p class="location-address">{loc.address}</p>}
      <p class="location-coords">{formatCoordinates(loc.latitude, loc.longitude)}</p>
      <a href={openStreetMapUrl(loc.latitude, loc.longitude)} target="_blank" rel="noopener noreferrer">
        {t("openInOsm")}
        <span class="visually-hidden"> {t("opensNewTab")}</span>
      </a>
    </div>
  );
}

export function MessageItem({ m, author, citizen, onOpenPhoto }: MessageItemProps) {
  const unsupported = m.type === "unsupported" && !m.text;
  return (
    <li class={`msg msg-${m.direction}`} data-message-id={m.id} data-direction={m.direction}>
      <div class="bubble">
        {m.direction === "note" && <p class="note-label">{t("noteLabel")}</p>}
        <Media m={m} citizen={citizen} onOpenPhoto={onOpenPhoto} />
        {m.location && <Location loc={m.location} />}
        {/* A location's text repeats its name and address, already shown in the card. */}
        {m.text && !m.location && <p class="msg-text">{m.text}</p>}
        {unsupported && <p class="media-note">{t("unsupportedMessage")}</p>}
        <p class="msg-meta">
          {author && <span class="msg-author">{author}</span>}
          <time dateTime={new Date(m.sentAt).toISOString()}>{formatTime(m.sentAt)}</time>
          <StatusMark m={m} />
        </p>
        <UndoNotice m={m} />
        {m.status === "unconfirmed" && <p class="msg-unconfirmed">{t("unconfirmedNote")}</p>}
        {m.status === "failed" && (
          <p class="msg-failed">
            {t("failedReason", { reason: m.errorReason || t("failedUnknown") })}
          </p>
        )}
      </div>
    </li>
  );
}
