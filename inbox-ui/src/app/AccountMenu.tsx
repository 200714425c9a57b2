// The signed-in person's menu (name, role, language, password, sign out): one button in the top bar,
// so the bar stays one line at 1280 px and fits a 390 px phone.
import { defineStrings, t, type StringKey } from "../i18n";
import { logout } from "../lib/session";
import type { Role, StaffIdentity } from "../lib/types";
import { initials } from "../inbox/labels";
import { LanguageSwitch } from "./LanguageSwitch";
import { tpw } from "./PasswordDialog";
import { tt } from "../trust/totp-strings";
import { tn } from "../push/strings";
import { usePopover } from "../ui/usePopover";

const ta = defineStrings<"menu" | "menuOf">({
  de: { menu: "Konto", menuOf: "Konto von {name}" },
  en: { menu: "Account", menuOf: "Account of {name}" },
});

const roleLabel: Record<Role, StringKey> = { admin: "roleAdmin", editor: "roleEditor", agent: "roleAgent" };

export function AccountMenu({ me, onPassword, onTotp, onNotifications }: { me: StaffIdentity; onPassword: () => void; onTotp: () => void; onNotifications: () => void }) {
  // Closes on a click elsewhere and on Esc (focus back to the button).
  const { open, setOpen, toggle, root, button } = usePopover<HTMLDivElement>();

  return (
    <div class="account" ref={root}>
      <button
        ref={button}
        type="button"
        class="account-button"
        aria-expanded={open}
        aria-controls="account-menu"
        onClick={toggle}
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
