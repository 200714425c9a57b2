// The "Kanäle & Abonnenten" page end to end: an admin creates a channel (a keyword clash is
// explained), a citizen subscribes by WhatsApp keyword, the admin finds the person, sees the consent
// log, unsubscribes them on request (logged with the admin's name), exports the data and erases the
// person after the confirmation dialog; finally archives the channel. Screenshots to test-artifacts/.
/* global document */
import { join } from "node:path";
import { assert, messageWebhook, poll, textMessage } from "./lib.mjs";

export const title = "channels & subscribers page: create channel, consent log, staff unsubscribe, export, erase, archive";

const TIMEOUT = 15_000;

function keywordWebhook(waId, name, text) {
  return messageWebhook(waId, name, textMessage(text, "cz"));
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Müllabfuhr ${run}`;
  const keyword = `MUELL${run}`.replace(/[^A-Z0-9]/g, "");
  const waId = `43660999${String(Date.now()).slice(-4)}`;

  const context = await t.browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/`);
    await page.locator("input[type=email]").fill(t.env.ADMIN_EMAIL);
    await page.locator("input[type=password]").fill(t.env.ADMIN_PASSWORD);
    await page.locator("button[type=submit]").click();
    await page.getByRole("link", { name: "Kanäle & Abonnenten" }).click();
    await page.getByRole("heading", { name: "Kanäle & Abonnenten" }).waitFor({ timeout: TIMEOUT });

    // A keyword that is a command is refused with the server's explanation.
    await page.getByRole("button", { name: "Neuer Kanal" }).click();
    const dialog = page.getByRole("dialog", { name: "Neuer Kanal" });
    await dialog.getByLabel("Name").fill(channelName);
    await dialog.getByLabel("Schlüsselwort (optional)").fill("stop");
    await dialog.getByRole("button", { name: "Anlegen" }).click();
    await dialog.getByRole("alert").filter({ hasText: "Befehl" }).waitFor({ timeout: TIMEOUT });

    await dialog.getByLabel("Schlüsselwort (optional)").fill(keyword.toLowerCase());
    await dialog.getByLabel("Bei ANMELDEN ohne Auswahl dabei").check();
    await dialog.getByRole("button", { name: "Anlegen" }).click();
    const row = page.getByRole("row").filter({ hasText: channelName });
    await row.waitFor({ timeout: TIMEOUT });
    assert((await row.textContent()).includes(keyword), "keyword shown in capitals");

    // A citizen subscribes with the keyword of the new channel.
    await t.signedWebhook(keywordWebhook(waId, "Herta Müller", keyword.toLowerCase()));
    await t.signedWebhook(keywordWebhook(`${waId}1`, "Karl Bauer", `ANMELDEN ${keyword} 🙂`));
    const detailLink = await poll("the subscriber in the list", async () => {
      await page.goto(`${base}/kanaele/abonnenten`);
      await page.getByLabel("Suchen").fill(waId);
      const link = page.getByRole("link", { name: "Herta Müller" });
      await link.waitFor({ timeout: 2_000 });
      const text = await page.getByRole("row").filter({ hasText: "Herta Müller" }).textContent();
      return text.includes(channelName) ? link : null;
    });
    await detailLink.click();
    const subs = page.locator(".cz-subs li", { hasText: channelName });
    await subs.filter({ hasText: "abonniert" }).waitFor({ timeout: TIMEOUT });
    const consent = page.getByRole("table", { name: "Protokoll der Einwilligungen" });
    await consent.getByRole("row").filter({ hasText: "WhatsApp-Schlüsselwort" }).waitFor({ timeout: TIMEOUT });

    // Staff unsubscribe on request: logged with the admin's name.
    await subs.getByRole("button", { name: `Abmelden: ${channelName}` }).click();
    await page.getByText("abgemeldet (protokolliert)").waitFor({ timeout: TIMEOUT });
    await consent.getByRole("row").filter({ hasText: "Mitarbeiter/in:" }).waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "channels-subscriber.png"), fullPage: true });

    // Export: the download link serves the JSON with the person's data (same session).
    const href = await page.getByRole("link", { name: "Daten exportieren" }).getAttribute("href");
    const exported = await page.request.get(`${base}${href}`);
    assert(exported.status() === 200, `export ${exported.status()}`);
    assert((exported.headers()["content-disposition"] ?? "").startsWith("attachment"), "export is a download");
    const data = await exported.json();
    assert(data.citizen.waId === waId && data.consentEvents.length === 2, `export content: ${JSON.stringify(data).slice(0, 300)}`);

    // Erase: the dialog says what happens, and the button needs the tick.
    await page.getByRole("button", { name: "Person löschen …" }).click();
    const eraseDialog = page.getByRole("dialog", { name: "Person endgültig löschen?" });
    await eraseDialog.waitFor({ timeout: TIMEOUT });
    const confirm = eraseDialog.getByRole("button", { name: "Endgültig löschen" });
    assert(await confirm.isDisabled(), "erase must need the confirmation tick");
    assert((await eraseDialog.textContent()).includes("dauerhaft unkenntlich"), "dialog explains the erasure");
    await page.screenshot({ path: join(t.artifacts, "channels-erase-dialog.png") });
    await eraseDialog.getByLabel("Ich habe die Daten vorher exportiert oder brauche sie nicht.").check();
    await confirm.click();
    await page.locator(".cz-banner").waitFor({ timeout: TIMEOUT });
    assert(!(await page.locator("body").textContent()).includes(waId), "the number is gone from the page");
    await consent.getByRole("row").filter({ hasText: "Daten gelöscht" }).waitFor({ timeout: TIMEOUT });

    // Archive the channel: it stays listed, marked archived.
    await page.getByRole("link", { name: "Kanäle", exact: true }).click();
    await row.getByRole("button", { name: "Archivieren" }).click();
    await page.getByRole("dialog", { name: "Kanal archivieren?" }).getByRole("button", { name: "Archivieren" }).click();
    await row.filter({ hasText: "Archiviert" }).waitFor({ timeout: TIMEOUT });
    await page.getByRole("heading", { name: "Entwicklung der Abonnenten" }).waitFor({ timeout: TIMEOUT });
    const chart = await page.evaluate(() => document.querySelectorAll(".chart polyline").length);
    assert(chart >= 1, "growth chart drawn");
    await page.screenshot({ path: join(t.artifacts, "channels-overview.png"), fullPage: true });
  } finally {
    await context.close();
  }
}
