// The main navigation on a phone: a bar at the bottom with at most five clear items (the everyday
// pages and "Mehr"); the other pages (Textbausteine, Team, Sicherheit) open from "Mehr" as a list
// above the bar. Hidden from 900 px on, where the top bar shows every page in one line.
import { useEffect } from "preact/hooks";
import { defineStrings, t } from "../i18n";
import { linkClick } from "../lib/router";
import { Icon, type IconName } from "../ui/icons";
import { usePopover } from "../ui/usePopover";

export interface NavEntry {
  id: string;
  href: string;
  /** Full name (the accessible name, and what "Mehr" shows). */
  label: string;
  /** Shorter text on the bar where the full name would not fit (the full one stays the accessible name). */
  short?: string;
  icon: IconName;
}

const tm = defineStrings<"more" | "morePages">({
  de: { more: "Mehr", morePages: "Weitere Seiten" },
  en: { more: "More", morePages: "More pages" },
});

/** At most four pages on the bar: with "Mehr" that is five items, each wide enough for its full label. */
export const PHONE_TABS = 4;

export function PhoneTabs({ tabs, more, page }: { tabs: NavEntry[]; more: NavEntry[]; page: string }) {
  // Closes on a tap elsewhere and on Esc (focus back to "Mehr").
  const { open, setOpen, toggle, root, button } = usePopover<HTMLElement>();
  // A page opened (from the list or elsewhere) closes the list.
  useEffect(() => setOpen(false), [page]);

  const inMore = more.some((n) => n.id === page);
  return (
    <nav aria-label={t("navMain")} class="tabbar" ref={root}>
      {more.length > 0 && (
        <ul id="tabbar-more" class="tabbar-more" aria-label={tm("morePages")} hidden={!open}>
          {more.map((n) => (
            <li key={n.id}>
              <a
                href={n.href}
                onClick={(e) => {
                  setOpen(false);
                  linkClick(e);
                }}
                aria-current={page === n.id ? "page" : undefined}
              >
                <Icon name={n.icon} class="tab-icon" />
                <span>{n.label}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <ul class="tabbar-tabs">
        {tabs.map((n) => (
          <li key={n.id}>
            <a href={n.href} onClick={linkClick} aria-current={page === n.id ? "page" : undefined} aria-label={n.short ? n.label : undefined}>
              <Icon name={n.icon} class="tab-icon" />
              <span>{n.short ?? n.label}</span>
            </a>
          </li>
        ))}
        {more.length > 0 && (
          <li>
            <button
              ref={button}
              type="button"
              class={`tab-more${inMore ? " tab-more-current" : ""}`}
              aria-expanded={open}
              aria-controls="tabbar-more"
              onClick={toggle}
            >
              <Icon name="more" class="tab-icon" />
              <span>{tm("more")}</span>
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}
