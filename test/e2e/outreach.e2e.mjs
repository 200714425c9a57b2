// Reaching out and answering faster, at desk size (1280×800) and phone size (390×844): an admin keeps
// a Textbaustein, inserts it with "/" (keyboard only) and sees the character count; a follow-up after
// "Erledigt" links to the earlier conversation and the person panel shows yesterday's answer; "Neue
// Nachricht" writes first to a citizen whose window is closed (template only, placeholders filled);
// a report's status news says "Bürger:in wird benachrichtigt" and is undone. On the phone the inbox and
// the dialog fit without sideways scrolling.
import { join } from "node:path";
import { assert, messageWebhook as webhook, poll } from "./lib.mjs";

export const title = "outreach: Textbausteine with /, citizen panel with the earlier answer, Neue Nachricht with a template, undo of status news, phone size";

const TIMEOUT = 20_000;

async function login(page, t) {
  await page.goto(`${t.baseUrl}/`);
  await page.getByLabel("E-Mail-Adresse").fill(t.env.ADMIN_EMAIL);
  await page.getByLabel("Passwort").fill(t.env.ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });
}

const noSideways = (page) => page.evaluate(() => globalThis.document.documentElement.scrollWidth <= globalThis.innerWidth + 1);

export default async function (t) {
  const run = Date.now().toString(36);
  const desk = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const page = await desk.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await login(page, t);

    // Textbausteine: a management page for editors and admins.
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Textbausteine" }).click();
    await page.getByRole("heading", { name: "Textbausteine", level: 1 }).waitFor({ timeout: TIMEOUT });
    await page.getByRole("button", { name: "Neuer Textbaustein" }).click();
    const snippetTitle = `Öffnungszeiten ${run}`;
    await page.getByLabel("Titel").fill(snippetTitle);
    await page.getByLabel("Text", { exact: true }).fill("Grüß Gott {{name}}! Wir haben Mo–Fr 8–12 Uhr geöffnet. {{sachbearbeiter}}");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.getByText("Gespeichert.").waitFor({ timeout: TIMEOUT });
    await page.getByRole("heading", { name: snippetTitle }).waitFor({ timeout: TIMEOUT });
    // An unknown placeholder is refused in German.
    await page.getByRole("button", { name: "Neuer Textbaustein" }).click();
    await page.getByLabel("Titel").fill(`Link ${run}`);
    await page.getByLabel("Text", { exact: true }).fill("Siehe {{webseite}}");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.getByText("Unbekannter Platzhalter {{webseite}}").waitFor({ timeout: TIMEOUT });

    // A citizen asked yesterday; the answer was given and the conversation resolved.
    const waId = `43677${String(Date.now()).slice(-7)}`;
    const citizen = `Maria Huber ${run}`;
    await t.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.1`, type: "text", text: { body: "Brauche ich für den Personalausweis einen Termin?" } }));
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Posteingang" }).click();
    await page.locator(".conv-list a", { hasText: citizen }).click();
    const box = page.getByLabel(`Antwort an ${citizen}`);
    await box.waitFor({ timeout: TIMEOUT });
    // "/" opens the Textbausteine; typing filters, ↓/Enter inserts with the placeholders filled.
    await box.fill("");
    await box.type("Antwort: /öffnung");
    await page.locator(".snippet-menu [role=option]", { hasText: snippetTitle }).waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "outreach-snippet-menu.png") });
    await page.keyboard.press("Enter");
    await poll("the Textbaustein in the reply box", async () => (await box.inputValue()).includes(`Grüß Gott ${citizen}! Wir haben Mo–Fr 8–12 Uhr geöffnet.`));
    assert((await page.locator(".snippet-menu").count()) === 0, "the menu closes after inserting");
    assert(!(await box.inputValue()).includes("{{"), "placeholders are filled");
    await page.locator(".char-count").getByText(/\/ 4\D?096 Zeichen/).waitFor({ timeout: TIMEOUT });
    // Esc closes the menu without inserting.
    await box.type(" /");
    await page.locator(".snippet-menu").waitFor({ timeout: TIMEOUT });
    await page.keyboard.press("Escape");
    assert((await page.locator(".snippet-menu").count()) === 0, "Esc closes the menu");
    await box.fill("Nein, ohne Termin: Mo–Fr 8–12 Uhr.");
    await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
    await page.locator(".msg-out", { hasText: "Nein, ohne Termin" }).waitFor({ timeout: TIMEOUT });
    // Over WhatsApp's limit the counter says by how much and sending is disabled.
    await box.fill("x".repeat(4100));
    await page.getByText("4 Zeichen zu viel").waitFor({ timeout: TIMEOUT });
    assert(await page.locator(".reply").getByRole("button", { name: "Senden" }).isDisabled(), "too long: send disabled");
    await box.fill("");
    await page.locator(".conv-actions").getByRole("button", { name: "Erledigt" }).click();
    await page.locator(".conv-sub .tag-done").waitFor({ timeout: TIMEOUT });

    // Today's follow-up opens a new conversation that links to yesterday's, with the answer in the person panel.
    await t.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.2`, type: "text", text: { body: "Gilt das auch für den Reisepass?" } }));
    await page.getByRole("button", { name: /Alle offenen/ }).click();
    await page.locator(".conv-list a", { hasText: citizen }).click();
    await page.locator(".msg-in", { hasText: "Gilt das auch für den Reisepass?" }).waitFor({ timeout: TIMEOUT });
    await page.locator(".conv-sub").getByRole("link", { name: "Frühere Unterhaltung" }).waitFor({ timeout: TIMEOUT });
    await page.locator(".conv-actions").getByRole("button", { name: "Person" }).click();
    const panel = page.locator(".citizen-panel");
    await panel.getByText("Nein, ohne Termin: Mo–Fr 8–12 Uhr.").waitFor({ timeout: TIMEOUT });
    await panel.getByText("Brauche ich für den Personalausweis einen Termin?").waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "outreach-citizen-panel.png") });

    // Report status news: "Bürger:in wird benachrichtigt", undone within the time.
    await page.locator(".conv-actions").getByRole("button", { name: "Meldung" }).click();
    await page.locator(".report-panel").getByRole("button", { name: "Als Meldung markieren" }).click();
    const news = page.locator(".msg-out", { hasText: "Danke für Ihre Meldung" });
    await news.getByText("Bürger:in wird benachrichtigt").first().waitFor({ timeout: TIMEOUT });
    await news.getByText("Automatisch").waitFor({ timeout: TIMEOUT });
    await news.getByRole("button", { name: "Rückgängig" }).click();
    await news.getByText("Zurückgenommen, nicht gesendet").waitFor({ timeout: TIMEOUT });

    // "Neue Nachricht" to a citizen whose window closed 30 hours ago: only templates, placeholders in a form.
    const sync = await page.evaluate(async () => (await fetch("/api/templates/sync", { method: "POST" })).status);
    assert(sync === 200, `template sync answered ${sync}`);
    const quietId = `43678${String(Date.now()).slice(-7)}`;
    const quiet = `Karl Wimmer ${run}`;
    await t.signedWebhook(webhook(quietId, quiet, { id: `wamid.out.${run}.3`, timestamp: String(Math.floor(Date.now() / 1000) - 30 * 3600), type: "text", text: { body: "Danke!" } }));
    await poll("the old conversation to arrive", async () => (await page.evaluate(async (q) => (await (await fetch(`/api/subscribers?q=${encodeURIComponent(q)}`)).json()).subscribers.length, quiet)) > 0);
    await page.getByRole("button", { name: "Neue Nachricht" }).click();
    const dialog = page.getByRole("dialog", { name: "Neue Nachricht an eine Person" });
    await dialog.getByLabel("Person suchen").fill(quiet);
    await dialog.locator(".person-results li", { hasText: quiet }).getByRole("button", { name: "Auswählen" }).click();
    await dialog.getByText("WhatsApp erlaubt nur eine genehmigte Vorlage").waitFor({ timeout: TIMEOUT });
    assert((await dialog.getByRole("button", { name: "Freier Text" }).count()) === 0, "no free text outside the window");
    await dialog.getByLabel("Genehmigte Vorlage").selectOption("meldung_status|de");
    await dialog.getByLabel("Platzhalter {{1}}").fill("Ihr Reisepass liegt zur Abholung bereit.");
    await dialog.locator(".template-preview").getByText("Ihr Reisepass liegt zur Abholung bereit.").waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "outreach-new-message.png") });
    await dialog.getByRole("button", { name: "Vorlage senden" }).click();
    await page.getByRole("heading", { name: quiet, level: 2 }).waitFor({ timeout: TIMEOUT });
    await page.locator(".msg-out", { hasText: "Ihr Reisepass liegt zur Abholung bereit." }).waitFor({ timeout: TIMEOUT });
    assert(errors.length === 0, `no page errors: ${errors.join("; ")}`);
  } finally {
    await desk.close();
  }

  // Phone size: the inbox, the "/" menu and the dialog fit without sideways scrolling.
  const phone = await t.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "de-AT", timezoneId: "Europe/Vienna", isMobile: true, hasTouch: true });
  try {
    const page = await phone.newPage();
    await login(page, t);
    await page.getByRole("button", { name: "Neue Nachricht" }).click();
    const dialog = page.getByRole("dialog", { name: "Neue Nachricht an eine Person" });
    await dialog.getByLabel("Person suchen").fill("Maria Huber");
    await dialog.locator(".person-results li").first().waitFor({ timeout: TIMEOUT });
    assert(await noSideways(page), "the new-message dialog fits at 390 px");
    await page.screenshot({ path: join(t.artifacts, "outreach-phone-dialog.png") });
    await dialog.getByRole("button", { name: "Schließen" }).click().catch(() => page.keyboard.press("Escape"));
    await page.locator(".conv-list a", { hasText: `Maria Huber ${run}` }).click();
    await page.locator(".conv-actions").getByRole("button", { name: "Person" }).click();
    await page.locator(".citizen-panel").getByText("Nein, ohne Termin: Mo–Fr 8–12 Uhr.").waitFor({ timeout: TIMEOUT });
    assert(await noSideways(page), "the conversation with the person panel fits at 390 px");
    await page.screenshot({ path: join(t.artifacts, "outreach-phone-panel.png") });
  } finally {
    await phone.close();
  }
}
