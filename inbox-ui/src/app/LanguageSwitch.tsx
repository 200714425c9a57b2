import { lang, setLang, t } from "../i18n";

/** Switches German ↔ English; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const other = lang.value === "de" ? "en" : "de";
  return (
    <button type="button" class="btn btn-ghost btn-small lang-switch" onClick={() => setLang(other)} lang={other === "de" ? "de-AT" : "en"} aria-label={t("switchLanguageLabel")}>
      {other === "de" ? "Deutsch" : "English"}
    </button>
  );
}
