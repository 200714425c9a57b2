import { render } from "preact";
import "./styles.css";
import { applyDocumentLang } from "./i18n";
import { App } from "./app/App";
import { navigate } from "./lib/router";

applyDocumentLang();
const root = document.getElementById("app");
if (root) render(<App />, root);

// Installable app: the service worker keeps the app shell (never the API); see inbox-ui/pwa/sw.js.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  });
  // A tapped notification (sw.js) opens its conversation in this window.
  navigator.serviceWorker.addEventListener("message", (e: MessageEvent<unknown>) => {
    const data = e.data as { type?: unknown; url?: unknown } | null;
    if (data?.type === "townwire.open" && typeof data.url === "string" && data.url.startsWith("/")) navigate(data.url);
  });
}
