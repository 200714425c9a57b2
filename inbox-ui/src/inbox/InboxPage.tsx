// The shared inbox: conversation list and the open conversation, side by side from 900 px,
// stacked below (the list, or the conversation with a back link).
import { useEffect } from "preact/hooks";
import { t } from "../i18n";
import { navigate, routes } from "../lib/router";
import type { StaffIdentity } from "../lib/types";
import { ConversationList } from "./ConversationList";
import { ConversationView } from "./ConversationView";
import { openConversation } from "./conversation-store";
import { reloadList, setListOwner } from "./list-store";
import { rememberStaff, startLiveInbox } from "./live";

export function InboxPage({ conversationId, me }: { conversationId: string | null; me: StaffIdentity }) {
  useEffect(() => {
    setListOwner(me.id);
    rememberStaff(me.id, me.name);
    const stop = startLiveInbox();
    void reloadList();
    return () => {
      stop();
      void openConversation(null);
    };
  }, [me.id, me.name]);

  useEffect(() => {
    void openConversation(conversationId);
  }, [conversationId]);

  // Shortcuts: "/" jumps to the search, Esc closes the conversation (not while typing or in a dialog).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const el = document.activeElement;
      const typing = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);
      if (typing || e.ctrlKey || e.metaKey || e.altKey || document.querySelector("dialog[open]")) return;
      if (e.key === "/") {
        e.preventDefault();
        document.getElementById("conv-search")?.focus();
      } else if (e.key === "Escape" && conversationId) {
        e.preventDefault();
        navigate(routes.inbox);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.conv-list a[tabindex="0"]')?.focus());
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [conversationId]);

  return (
    <div class={`inbox ${conversationId ? "inbox-has-open" : ""}`}>
      <ConversationList selectedId={conversationId} />
      <section class="conv-pane" aria-label={t("conversationRegion")}>
        {conversationId ? (
          <ConversationView me={me} />
        ) : (
          <div class="conv-empty">
            <p>{t("selectConversation")}</p>
            <p class="small">{t("keyboardHint")}</p>
          </div>
        )}
      </section>
    </div>
  );
}
