// The signed-in person's menu (name, role, language, password, sign out): one button in the top bar,
// so the bar stays one line at 1280 px and fits a 390 px phone.
import { useEffect, useRef, useState } from "preact/hooks";
import { defineStrings, t, type StringKey } from "../i18n";
import { logout } from "../lib/session";
import type { Role, StaffIdentity } from "../lib/types";
import { initials } from "../inbox/labels";
import { LanguageSwitch } from "./LanguageSwitch";
import { tpw } from "./PasswordDialog";
import { tt } from "../trust/totp-strings";
import { tn } from "../push/strings";

const ta = defineStrings<"menu" | "menuOf">({
  de: { menu: "Konto", menuOf: "Konto von {name}" },
  en: { menu: "Account", menuOf: "Account of {name}" },
});

const roleLabel: Record<Role, StringKey> = { admin: "roleAdmin", editor: "roleEditor", agent: "roleAgent" };

export function AccountMenu({ me, onPassword, onTotp, onNotifications }: { me: StaffIdentity; onPassword: () => void; onTotp: () => void; onNotifications: () => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // Closes on a click elsewhere and on Esc (focus back to the button).
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [open]);

  return (
    <div class="account" ref={root}>
      <button
        ref={button}
        type="button"
        class="account-button"
        aria-expanded={open}
        aria-controls="account-menu"
        onClick={() => setOpen(!open)}
      >
        {/* The name comes from this text, not aria-label: axe (WCAG 2.5.3) wants an aria-label to contain the visible text. */}
        <span class="visually-hidden">{ta("menuOf", { name: me.name })}</span>
        <span class="account-initials" aria-hidden="true">
          {initials(me.name)}
        </span>
        <span class="account-name" aria-hidden="true">
          {me.name}
          <span class="whoami-role">{t(roleLabel[me.role])}</span>
        </span>
      </button>
      {open && (
        <div class="account-menu" id="account-menu" role="group" aria-label={ta("menu")}>
          <p class="account-who">
            <strong>{me.name}</strong>
            <span class="muted small">{t(roleLabel[me.role])}</span>
          </p>
          <LanguageSwitch />
          <button
            type="button"
            class="btn btn-ghost btn-small"
            onClick={() => {
              setOpen(false);
              onPassword();
            }}
          >
            {tpw("open")}
          </button>
          <button
            type="button"
            class="btn btn-ghost btn-small"
            onClick={() => {
              setOpen(false);
              onTotp();
            }}
          >
            {tt("open")}
          </button>
          <button
            type="button"
            class="btn btn-ghost btn-small"
            onClick={() => {
              setOpen(false);
              onNotifications();
            }}
          >
            {tn("open")}
          </button>
          <button type="button" class="btn btn-ghost btn-small" onClick={() => void logout()}>
            {t("logout")}
          </button>
        </div>
      )}
    </div>
  );
}
