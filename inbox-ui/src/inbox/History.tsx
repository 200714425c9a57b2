// The message history of the open conversation: day headings, older pages on demand, and staying
// pinned to the newest message while new ones (or photos) arrive, unless the reader scrolled up.
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import type { MessageView, StaffIdentity } from "../lib/types";
import { Button, formatDayHeading, viennaDay } from "../ui";
import { loadOlder, loadingOlder } from "./conversation-store";
import { staffNames } from "./live";
import { MessageItem } from "./MessageItem";

export function History({ messages, me, citizen, onOpenPhoto, olderAvailable }: { messages: MessageView[]; me: StaffIdentity; citizen: string; onOpenPhoto: (m: MessageView) => void; olderAvailable: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLOListElement>(null);
  /** Whether the reader is at the newest message; then growth (new messages, photos loading) keeps them there. */
  const stick = useRef(true);
  const last = useRef<{ first: string | undefined; lastId: string | undefined; height: number }>({ first: undefined, lastId: undefined, height: 0 });
  const names = staffNames.value;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = messages[0]?.id;
    const lastMsg = messages[messages.length - 1];
    const prev = last.current;
    if (prev.lastId === undefined) {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    } else if (first !== prev.first && lastMsg?.id === prev.lastId) {
      // Older messages were put on top: keep what the reader was looking at in place.
      el.scrollTop += el.scrollHeight - prev.height;
    } else if (lastMsg?.id !== prev.lastId && (stick.current || lastMsg?.staffId === me.id)) {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    }
    last.current = { first, lastId: lastMsg?.id, height: el.scrollHeight };
  }, [messages, me.id]);

  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner) return;
    const ro = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(inner);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  let day = "";
  return (
    <div
      class="history"
      ref={scroller}
      role="log"
      aria-label={t("historyLabel")}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      {olderAvailable && (
        <div class="history-older">
          <Button small variant="ghost" onClick={() => void loadOlder()} busy={loadingOlder.value}>
            {t("loadOlder")}
          </Button>
        </div>
      )}
      <ol class="messages" ref={content}>
        {messages.map((m) => {
          const d = viennaDay(m.sentAt);
          const heading = d !== day ? formatDayHeading(m.sentAt) : null;
          day = d;
          const author = m.direction === "in" ? null : m.staffId === me.id ? t("you") : m.staffId ? (names[m.staffId] ?? t("colleague")) : t("systemAuthor");
          return [
            heading && (
              <li key={`day-${d}`} class="day-sep">
                <span>{heading}</span>
              </li>
            ),
            <MessageItem key={m.id} m={m} author={author} citizen={citizen} onOpenPhoto={onOpenPhoto} />,
          ];
        })}
      </ol>
      {messages.length === 0 && <p class="muted page-pad">{t("noMessages")}</p>}
    </div>
  );
}
