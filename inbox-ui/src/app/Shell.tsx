// The signed-in app: top navigation, connection indicator, the admins' alert banner, and the page for the current route.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { connectRoom, connectionState, disconnectRoom } from "../lib/room";
import { linkClick, route, routes } from "../lib/router";
import { hasRole, logout } from "../lib/session";
import type { Role, StaffIdentity } from "../lib/types";
import { InboxPage } from "../inbox/InboxPage";
import { AlertBanner } from "./AlertBanner";
import { LanguageSwitch } from "./LanguageSwitch";
import { PasswordDialog, tpw } from "./PasswordDialog";

type PageId = "reports" | "broadcasts" | "channels" | "team" | "snippets";
const loaders: Record<PageId, () => Promise<ComponentType>> = {
  reports: () => import("../reports/ReportsPage").then((m) => m.ReportsPage),
  broadcasts: () => import("../broadcasts/BroadcastsPage").then((m) => m.BroadcastsPage),
  channels: () => import("../citizens/ChannelsPage").then((m) => m.ChannelsPage),
  team: () => import("../team/TeamPage").then((m) => m.TeamPage),
  snippets: () => import("../outreach/SnippetsPage").then((m) => m.SnippetsPage),
};
const loaded = new Map<PageId, ComponentType>();

/** Secondary pages are separate chunks so the inbox starts small. */
function LazyPage({ id }: { id: PageId }) {
  const [Page, setPage] = useState<ComponentType | undefined>(() => loaded.get(id));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const cached = loaded.get(id);
    if (cached) {
      setPage(() => cached);
      return;
    }
    let alive = true;
    setPage(undefined);
    setFailed(false);
    loaders[id]()
      .then((C) => {
        loaded.set(id, C);
        if (alive) setPage(() => C);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [id]);
  if (failed)
    return (
      <p class="status-msg status-error page-pad" role="alert">
        {t("pageLoadFailed")}
      </p>
    );
  return Page ? <Page /> : <div class="page-pad" aria-busy="true" />;
}

const nav: { id: "inbox" | PageId; href: string; label: StringKey; role: Role }[] = [
  { id: "inbox", href: routes.inbox, label: "navInbox", role: "agent" },
  { id: "reports", href: routes.reports, label: "navReports", role: "agent" },
  { id: "broadcasts", href: routes.broadcasts, label: "navBroadcasts", role: "editor" },
  { id: "channels", href: routes.channels, label: "navChannels", role: "editor" },
  { id: "snippets", href: routes.snippets, label: "navSnippets", role: "editor" },
  { id: "team", href: routes.team, label: "navTeam", role: "admin" },
];

const roleLabel: Record<Role, StringKey> = { admin: "roleAdmin", editor: "roleEditor", agent: "roleAgent" };

function ConnectionIndicator() {
  const state = connectionState.value;
  const live = state === "live";
  const text = live ? t("connLive") : state === "reconnecting" ? t("connReconnecting") : t("connConnecting");
  return (
    <p class={`conn ${live ? "conn-live" : "conn-down"}`} role="status" data-state={state}>
      <span class="conn-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

export function Shell({ me }: { me: StaffIdentity }) {
  useEffect(() => {
    connectRoom();
    return () => disconnectRoom();
  }, []);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const r = route.value;
  const allowed = nav.find((n) => n.id === r.page);
  const mayOpen = !allowed || hasRole(allowed.role);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <div class="shell-top">
        <header class="topbar">
          <span class="brand">townwire</span>
          <nav aria-label={t("navMain")} class="topnav">
            <ul>
              {nav
                .filter((n) => hasRole(n.role))
                .map((n) => (
                  <li key={n.id}>
                    <a href={n.href} onClick={linkClick} aria-current={r.page === n.id ? "page" : undefined}>
                      {t(n.label)}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
          <div class="topbar-end">
            <ConnectionIndicator />
            <span class="whoami">
              {me.name}
              <span class="visually-hidden">, </span>
              <span class="whoami-role">{t(roleLabel[me.role])}</span>
            </span>
            <LanguageSwitch />
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setPasswordOpen(true)}>
              {tpw("open")}
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => void logout()}>
              {t("logout")}
            </button>
          </div>
        </header>
        {me.role === "admin" && <AlertBanner />}
        <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
      </div>
      <main id="main" class={`main main-${r.page}`} tabIndex={-1}>
        {!mayOpen ? (
          <p class="status-msg status-error page-pad" role="alert">
            {t("errForbidden")}
          </p>
        ) : r.page === "inbox" ? (
          <InboxPage conversationId={r.conversationId} me={me} />
        ) : (
          <LazyPage id={r.page} />
        )}
      </main>
    </div>
  );
}
