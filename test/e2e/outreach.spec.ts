// Reaching out and answering faster, at desk size (1280×800) and phone size (390×844): an admin keeps
// a Textbaustein, inserts it with "/" (keyboard only) and sees the character count; a follow-up after
// "Erledigt" links to the earlier conversation and the person panel shows yesterday's answer; "Neue
// Nachricht" writes first to a citizen whose window is closed (template only, placeholders filled);
// a report's status news says "Bürger:in wird benachrichtigt" and is undone. On the phone the inbox and
// the dialog fit without sideways scrolling.
import type { Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { messageWebhook as webhook } from "./support/citizen";
import { expect, pageErrors, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

async function login(page: Page, email: string, password: string): Promise<void> {
  await signIn(page, email, password);
  await expect(page.locator('.conn[data-state="live"]')).toBeVisible();
}

/** Tells this file's data apart (both tests share one Worker). */
const run = Date.now().toString(36);

test("outreach: Textbausteine with /, citizen panel with the earlier answer, Neue Nachricht with a template, undo of status news", async ({ page, server, adminApi }) => {
  const errors = pageErrors(page);
  await login(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);

  // Textbausteine: a management page for editors and admins.
  await goToPage(page, "Textbausteine");
  await expect(page.getByRole("heading", { name: "Textbausteine", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Neuer Textbaustein" }).click();
  const snippetTitle = `Öffnungszeiten ${run}`;
  await page.getByLabel("Titel").fill(snippetTitle);
  await page.getByLabel("Text", { exact: true }).fill("Grüß Gott {{name}}! Wir haben Mo–Fr 8–12 Uhr geöffnet. {{sachbearbeiter}}");
  await expectAccessible(page, "snippets: new snippet");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.getByText("Gespeichert.")).toBeVisible();
  await expect(page.getByRole("heading", { name: snippetTitle })).toBeVisible();
  await expectAccessible(page, "snippets");
  // An unknown placeholder is refused in German.
  await page.getByRole("button", { name: "Neuer Textbaustein" }).click();
  await page.getByLabel("Titel").fill(`Link ${run}`);
  await page.getByLabel("Text", { exact: true }).fill("Siehe {{webseite}}");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.getByText("Unbekannter Platzhalter {{webseite}}")).toBeVisible();

  // A citizen asked yesterday; the answer was given and the conversation resolved.
  const waId = `43677${String(Date.now()).slice(-7)}`;
  const citizen = `Maria Huber ${run}`;
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.1`, type: "text", text: { body: "Brauche ich für den Personalausweis einen Termin?" } }));
  await goToPage(page, "Posteingang");
  await page.locator(".conv-list a", { hasText: citizen }).click();
  const box = page.getByLabel(`Antwort an ${citizen}`);
  await expect(box).toBeVisible();
  // "/" opens the Textbausteine; typing filters, ↓/Enter inserts with the placeholders filled.
  await box.fill("");
  await box.pressSequentially("Antwort: /öffnung");
  await expect(page.locator(".snippet-menu [role=option]", { hasText: snippetTitle })).toBeVisible();
  await screenshot(page, "outreach-snippet-menu");
  await expectAccessible(page, "conversation: snippet menu");
  await page.keyboard.press("Enter");
  await expect(box, "the Textbaustein in the reply box").toHaveValue(new RegExp(`Grüß Gott ${citizen}! Wir haben Mo–Fr 8–12 Uhr geöffnet\\.`));
  await expect(page.locator(".snippet-menu"), "the menu closes after inserting").toHaveCount(0);
  await expect(box, "placeholders are filled").not.toHaveValue(/\{\{/);
  await expect(page.locator(".char-count").getByText(/\/ 4\D?096 Zeichen/)).toBeVisible();
  // Esc closes the menu without inserting.
  await box.pressSequentially(" /");
  await expect(page.locator(".snippet-menu")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator(".snippet-menu"), "Esc closes the menu").toHaveCount(0);
  await box.fill("Nein, ohne Termin: Mo–Fr 8–12 Uhr.");
  // The answer to the send is held back until the clerk has typed on: the reply shows live first, and
  // what is typed meanwhile must survive the answer (it used to be wiped when the answer came).
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/conversations/*/messages", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/conversations\/[^/]+\/messages$/.test(r.url()));
  await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
  await expect(page.locator(".msg-out", { hasText: "Nein, ohne Termin" })).toBeVisible();
  await expect(box, "the box empties at once").toHaveValue("");
  // Over WhatsApp's limit the counter says by how much and sending is disabled.
  await box.fill("x".repeat(4100));
  release();
  await answered;
  await page.unroute("**/api/conversations/*/messages");
  await expect(box, "typed while the reply was on its way: kept").toHaveValue("x".repeat(4100));
  await expect(page.getByText("4 Zeichen zu viel")).toBeVisible();
  await expect(page.locator(".reply").getByRole("button", { name: "Senden" }), "too long: send disabled").toBeDisabled();
  await box.fill("");
  await page.locator(".conv-actions").getByRole("button", { name: "Erledigt" }).click();
  await expect(page.locator(".conv-sub .tag-done")).toBeVisible();

  // Today's follow-up opens a new conversation that links to yesterday's, with the answer in the person panel.
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.2`, type: "text", text: { body: "Gilt das auch für den Reisepass?" } }));
  await page.getByRole("button", { name: /Alle offenen/ }).click();
  await page.locator(".conv-list a", { hasText: citizen }).click();
  await expect(page.locator(".msg-in", { hasText: "Gilt das auch für den Reisepass?" })).toBeVisible();
  await expect(page.locator(".conv-sub").getByRole("link", { name: "Frühere Unterhaltung" })).toBeVisible();
  await page.locator(".conv-actions").getByRole("button", { name: "Person" }).click();
  const panel = page.locator(".citizen-panel");
  await expect(panel.getByText("Nein, ohne Termin: Mo–Fr 8–12 Uhr.")).toBeVisible();
  await expect(panel.getByText("Brauche ich für den Personalausweis einen Termin?")).toBeVisible();
  await screenshot(page, "outreach-citizen-panel");
  await expectAccessible(page, "conversation: person panel");

  // Report status news: "Bürger:in wird benachrichtigt", undone within the time.
  await page.locator(".conv-actions").getByRole("button", { name: "Meldung" }).click();
  await page.locator(".report-panel").getByRole("button", { name: "Als Meldung markieren" }).click();
  const news = page.locator(".msg-out", { hasText: "Danke für Ihre Meldung" });
  await expect(news.getByText("Bürger:in wird benachrichtigt").first()).toBeVisible();
  await expect(news.getByText("Automatisch")).toBeVisible();
  // Undo at once: the window is 10 seconds, less than an accessibility check takes on a busy machine.
  await news.getByRole("button", { name: "Rückgängig" }).click();
  await expect(news.getByText("Zurückgenommen, nicht gesendet")).toBeVisible();
  await expectAccessible(page, "conversation: report with status news undone");

  // "Neue Nachricht" to a citizen whose window closed 30 hours ago: only templates, placeholders in a form.
  const sync = await page.evaluate(async () => (await fetch("/api/templates/sync", { method: "POST" })).status);
  expect(sync, "template sync").toBe(200);
  const quietId = `43678${String(Date.now()).slice(-7)}`;
  const quiet = `Karl Wimmer ${run}`;
  await server.signedWebhook(webhook(quietId, quiet, { id: `wamid.out.${run}.3`, timestamp: String(Math.floor(Date.now() / 1000) - 30 * 3600), type: "text", text: { body: "Danke!" } }));
  await expect
    .poll(async () => (await adminApi.json<{ subscribers: unknown[] }>("GET", `/api/subscribers?q=${encodeURIComponent(quiet)}`)).subscribers.length, { message: "the old conversation to arrive" })
    .toBeGreaterThan(0);
  await page.getByRole("button", { name: "Neue Nachricht" }).click();
  const dialog = page.getByRole("dialog", { name: "Neue Nachricht an eine Person" });
  await dialog.getByLabel("Person suchen").fill(quiet);
  await dialog.locator(".person-results li", { hasText: quiet }).getByRole("button", { name: "Auswählen" }).click();
  await expect(dialog.getByText("WhatsApp erlaubt nur eine genehmigte Vorlage")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Freier Text" }), "no free text outside the window").toHaveCount(0);
  await dialog.getByLabel("Genehmigte Vorlage").selectOption("meldung_status|de");
  await dialog.getByLabel("Platzhalter {{1}}").fill("Ihr Reisepass liegt zur Abholung bereit.");
  await expect(dialog.locator(".template-preview").getByText("Ihr Reisepass liegt zur Abholung bereit.")).toBeVisible();
  await screenshot(page, "outreach-new-message");
  await expectAccessible(page, "new message dialog");
  await dialog.getByRole("button", { name: "Vorlage senden" }).click();
  await expect(page.getByRole("heading", { name: quiet, level: 2 })).toBeVisible();
  await expect(page.locator(".msg-out", { hasText: "Ihr Reisepass liegt zur Abholung bereit." })).toBeVisible();
  expect(errors, "no page errors").toEqual([]);
});

test("outreach at phone size: the new-message dialog and the person panel fit", async ({ browser, server, adminApi }) => {
  // Its own citizen (runs alone too): asked yesterday, was answered, the conversation resolved; asks again today.
  const waId = `43676${String(Date.now()).slice(-7)}`;
  const citizen = `Eva Moser ${run}`;
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.p1`, type: "text", text: { body: "Wann hat das Bürgerservice offen?" } }));
  const conversationOf = async () => (await adminApi.json<{ conversations: { id: string }[] }>("GET", `/api/conversations?status=open&q=${waId}`)).conversations[0]?.id;
  let first: string | undefined;
  await expect.poll(async () => (first = await conversationOf()), { message: "the question to arrive" }).toBeTruthy();
  await adminApi.json("POST", `/api/conversations/${first}/messages`, { text: "Mo–Fr 8–12 Uhr, ohne Termin." });
  await adminApi.json("POST", `/api/conversations/${first}/resolve`, {});
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.out.${run}.p2`, type: "text", text: { body: "Auch am Feiertag?" } }));
  await expect.poll(async () => (await conversationOf()) ?? first, { message: "today's conversation" }).not.toBe(first);

  // Phone size: the inbox, the dialog and the person panel fit without sideways scrolling.
  const phone = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const p = await phone.newPage();
    await login(p, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
    await p.getByRole("button", { name: "Neue Nachricht" }).click();
    const phoneDialog = p.getByRole("dialog", { name: "Neue Nachricht an eine Person" });
    await phoneDialog.getByLabel("Person suchen").fill("Eva Moser");
    await expect(phoneDialog.locator(".person-results li", { hasText: citizen })).toBeVisible();
    await expectNoSidewaysScroll(p, "the new-message dialog at 390 px");
    await screenshot(p, "outreach-phone-dialog");
    await expectAccessible(p, "new message dialog (phone)");
    await phoneDialog.getByRole("button", { name: "Schließen" }).click({ timeout: 5_000 }).catch(() => p.keyboard.press("Escape"));
    await expect(phoneDialog).toHaveCount(0);
    await p.locator(".conv-list a", { hasText: citizen }).click();
    await p.locator(".conv-actions").getByRole("button", { name: "Person" }).click();
    await expect(p.locator(".citizen-panel").getByText("Mo–Fr 8–12 Uhr, ohne Termin.")).toBeVisible();
    await expectNoSidewaysScroll(p, "the conversation with the person panel at 390 px");
    await screenshot(p, "outreach-phone-panel");
    await expectAccessible(p, "conversation: person panel (phone)");
  } finally {
    await phone.close();
  }
});
