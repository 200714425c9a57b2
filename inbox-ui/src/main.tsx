import { render } from "preact";
import "./styles.css";
import { applyDocumentLang } from "./i18n";
import { App } from "./app/App";

applyDocumentLang();
const root = document.getElementById("app");
if (root) render(<App />, root);

// Installable app: the service worker keeps the app shell (never the API); see inbox-ui/pwa/sw.js.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  });
}
