/** @jsxImportSource hono/jsx */
// The phone page at /__dev/phone: act as a citizen on WhatsApp (local use only). The markup is
// rendered here; the typed browser script (client/) and its CSS are bundled at build time
// (scripts/build-phone.mjs) and inlined with a per-response nonce, so the page runs under a strict CSP.
import { raw } from "hono/html";
import { PHONE_CSS, PHONE_JS } from "./build/assets.js";

const CameraIcon = () => (
  <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
    <path
      fill="#54656f"
      d="M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"
    />
  </svg>
);

const PinIcon = () => (
  <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
    <path fill="#54656f" d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />
  </svg>
);

const Sidebar = () => (
  <aside>
    <h1>
      WhatsApp-Simulator
      <small>Schreiben Sie der Gemeinde, als wären Sie eine Bürgerin oder ein Bürger. Nur für die lokale Entwicklung.</small>
    </h1>
    <h2>Bürger:innen</h2>
    <ul class="people" id="people"></ul>
    <h2>Andere Nummer</h2>
    <form class="new" id="new-phone">
      <input id="new-wa" inputmode="numeric" placeholder="Nummer, z. B. 436641234567" aria-label="Telefonnummer mit Ländervorwahl" required />
      <input id="new-name" placeholder="Name im WhatsApp-Profil" aria-label="Name" />
      <button type="submit" id="open-phone">Öffnen</button>
    </form>
    <div class="tools">
      <a href="/" target="_blank" rel="noopener">
        Posteingang der Gemeinde öffnen ↗
      </a>
      <button type="button" class="secondary" id="reset">
        Simulator leeren
      </button>
    </div>
    <details class="log" id="log">
      <summary>Webhook-Protokoll</summary>
      <p id="log-pending"></p>
      <ol id="log-list" reversed></ol>
    </details>
  </aside>
);

const LocationForm = () => (
  <div class="locform" id="locform" hidden>
    <div class="presets" id="presets"></div>
    <input id="lat" inputmode="decimal" placeholder="Breitengrad" aria-label="Breitengrad" />
    <input id="lng" inputmode="decimal" placeholder="Längengrad" aria-label="Längengrad" />
    <input class="wide" id="loc-name" placeholder="Name des Orts (optional)" aria-label="Name des Orts" />
    <input class="wide" id="loc-address" placeholder="Adresse (optional)" aria-label="Adresse" />
    <button type="button" class="go wide" id="loc-send">
      Standort senden
    </button>
  </div>
);

const Phone = () => (
  <section class="phone" aria-label="Telefon">
    <header>
      <strong id="chat-name">Gemeinde</strong>
      <span id="chat-sub">Links eine Person auswählen</span>
    </header>
    <div class="empty" id="phone-empty">
      Wählen Sie links eine Bürgerin oder einen Bürger aus oder geben Sie eine Nummer ein.
    </div>
    <div id="phone-chat" hidden>
      <div id="messages" aria-live="polite"></div>
      <form class="composer" id="composer">
        <div class="notice" id="notice" hidden></div>
        <div class="attach" id="attachment" hidden></div>
        <LocationForm />
        <div class="bar">
          <button type="button" class="icon" id="photo-btn" title="Foto senden" aria-label="Foto senden">
            <CameraIcon />
          </button>
          <input type="file" id="photo" accept="image/jpeg,image/png,image/*" hidden />
          <button type="button" class="icon" id="loc-btn" title="Standort senden" aria-label="Standort senden">
            <PinIcon />
          </button>
          <textarea id="text" rows={1} placeholder="Nachricht" aria-label="Nachricht"></textarea>
          <button type="submit" class="send" id="send" title="Senden" aria-label="Senden">
            ➤
          </button>
        </div>
      </form>
    </div>
  </section>
);

/** The whole page; `nonce` must be the one in the response's Content-Security-Policy. */
export async function phonePageHtml(nonce: string): Promise<string> {
  const page = (
    <html lang="de">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>WhatsApp-Simulator – townwire</title>
        <style nonce={nonce}>{raw(PHONE_CSS)}</style>
      </head>
      <body>
        <Sidebar />
        <main>
          <Phone />
        </main>
        <script nonce={nonce}>{raw(PHONE_JS)}</script>
      </body>
    </html>
  );
  return "<!doctype html>\n" + (await page.toString());
}
