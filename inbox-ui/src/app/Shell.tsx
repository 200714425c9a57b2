// The signed-in app: top navigation, connection indicator, the admins' alert banner, and the page for the current route.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { defineStrings, t, type StringKey } from "../i18n";
import { connectRoom, connectionState, disconnectRoom } from "../lib/room";
import { linkClick, route, routes } from "../lib/router";
import { hasRole, totpSetupRequired } from "../lib/session";
import type { Role, StaffIdentity } from "../lib/types";
import { InboxPage } from "../inbox/InboxPage";
import type { IconName } from "../ui/icons";
import { AccountMenu } from "./AccountMenu";
import { AlertBanner } from "./AlertBanner";
import { LanguageSwitch } from "./LanguageSwitch";
import { PasswordDialog } from "./PasswordDialog";
import { PHONE_TABS, PhoneTabs, type NavEntry } from "./PhoneTabs";
import { ApprovalBadge } from "../trust/ApprovalNotice";
import { TotpDialog } from "../trust/TotpDialog";
import { NotificationsDialog } from "../push/NotificationsDialog";
import { TotpRequired } from "../trust/TotpRequired";

type PageId = "reports" | "broadcasts" | "channels" | "team" | "trust" | "snippets";
const loaders: Record<PageId, () => Promise<ComponentType>> = {
  reports: () => import("../reports/ReportsPage").then((m) => m.ReportsPage),
  broadcasts: () => import("../broadcasts/BroadcastsPage").then((m) => m.BroadcastsPage),
  channels: () => import("../citizens/ChannelsPage").then((m) => m.ChannelsPage),
  team: () => import("../team/TeamPage").then((m) => m.TeamPage),
  trust: () => import("../trust/TrustPage").then((m) => m.TrustPage),
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

const nav: { id: "inbox" | PageId; href: string; label: StringKey; icon: IconName; role: Role }[] = [
  { id: "inbox", href: routes.inbox, label: "navInbox", icon: "inbox", role: "agent" },
  { id: "reports", href: routes.reports, label: "navReports", icon: "flag", role: "agent" },
  { id: "broadcasts", href: routes.broadcasts, label: "navBroadcasts", icon: "megaphone", role: "editor" },
  { id: "channels", href: routes.channels, label: "navChannels", icon: "bell", role: "editor" },
  { id: "snippets", href: routes.snippets, label: "navSnippets", icon: "text", role: "editor" },
  { id: "team", href: routes.team, label: "navTeam", icon: "people", role: "admin" },
  { id: "trust", href: routes.trust, label: "navTrust", icon: "shield", role: "admin" },
];

/** Short labels where the full one is long (the full one is the accessible name); phones show the links as a bar at the bottom. */
const tabs = defineStrings<"navChannels">({ de: { navChannels: "Kanäle" }, en: { navChannels: "Channels" } });

function NavLinks({ page }: { page: string }) {
  return (
    <nav aria-label={t("navMain")} class="topnav">
      <ul>
        {nav
          .filter((n) => hasRole(n.role))
          .map((n) => {
            const short = n.label === "navChannels" ? tabs("navChannels") : null;
            return (
              <li key={n.id}>
                <a href={n.href} onClick={linkClick} aria-current={page === n.id ? "page" : undefined} aria-label={short ? t(n.label) : undefined}>
                  <span>{short ?? t(n.label)}</span>
                </a>
              </li>
            );
          })}
      </ul>
    </nav>
  );
}

/** The phone's bottom bar: the first pages the person may open, the rest under "Mehr". */
function Tabs({ page }: { page: string }) {
  const entries: NavEntry[] = nav
    .filter((n) => hasRole(n.role))
    .map((n) => ({ id: n.id, href: n.href, label: t(n.label), short: n.label === "navChannels" ? tabs("navChannels") : undefined, icon: n.icon }));
  return <PhoneTabs tabs={entries.slice(0, PHONE_TABS)} more={entries.slice(PHONE_TABS)} page={page} />;
}

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
  const [totpOpen, setTotpOpen] = useState(false);
  const [notificationsOpen, setNotificationsOpen] = useState(false);
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
          <NavLinks page={r.page} />
          <div class="topbar-end">
            <ConnectionIndicator />
            {hasRole("editor") && <ApprovalBadge />}
            <span class="lang-top">
              <LanguageSwitch />
            </span>
            <AccountMenu me={me} onPassword={() => setPasswordOpen(true)} onTotp={() => setTotpOpen(true)} onNotifications={() => setNotificationsOpen(true)} />
          </div>
        </header>
        {me.role === "admin" && <AlertBanner />}
        <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
        <TotpDialog open={totpOpen} onClose={() => setTotpOpen(false)} />
        <NotificationsDialog open={notificationsOpen} onClose={() => setNotificationsOpen(false)} />
      </div>
      <main id="main" class={`main main-${r.page}`} tabIndex={-1}>
        {totpSetupRequired.value ? (
          <TotpRequired />
        ) : !mayOpen ? (
          <p class="status-msg status-error page-pad" role="alert">
            {t("errForbidden")}
          </p>
        ) : r.page === "inbox" ? (
          <InboxPage conversationId={r.conversationId} me={me} />
        ) : (
          <LazyPage id={r.page} />
        )}
      </main>
      <Tabs page={r.page} />
    </div>
  );
}
