// The "Kanäle & Abonnenten" page end to end: an admin creates a channel (a keyword clash is
// explained), a citizen subscribes by WhatsApp keyword, the admin finds the person, sees the consent
// log, unsubscribes them on request (logged with the admin's name), exports the data and erases the
// person after the confirmation dialog; finally archives the channel.
import { messageWebhook, textMessage } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

test("channels & subscribers page: create channel, consent log, staff unsubscribe, export, erase, archive", async ({ page, server }) => {
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Müllabfuhr ${run}`;
  const keyword = `MUELL${run}`.replace(/[^A-Z0-9]/g, "");
  const waId = `43660999${String(Date.now()).slice(-4)}`;

  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Kanäle & Abonnenten");
  await expect(page.getByRole("heading", { name: "Kanäle & Abonnenten" })).toBeVisible();
  await expectAccessible(page, "channels");

  // A keyword that is a command is refused with the server's explanation.
  await page.getByRole("button", { name: "Neuer Kanal" }).click();
  const dialog = page.getByRole("dialog", { name: "Neuer Kanal" });
  await dialog.getByLabel("Name").fill(channelName);
  await dialog.getByLabel("Schlüsselwort (optional)").fill("stop");
  await dialog.getByRole("button", { name: "Anlegen" }).click();
  await expect(dialog.getByRole("alert").filter({ hasText: "Befehl" })).toBeVisible();
  await expectAccessible(page, "new channel dialog with an error");

  await dialog.getByLabel("Schlüsselwort (optional)").fill(keyword.toLowerCase());
  await dialog.getByLabel("Bei ANMELDEN ohne Auswahl dabei").check();
  await dialog.getByRole("button", { name: "Anlegen" }).click();
  const row = page.getByRole("row").filter({ hasText: channelName });
  await expect(row).toBeVisible();
  await expect(row, "keyword shown in capitals").toContainText(keyword);

  // A citizen subscribes with the keyword of the new channel.
  await server.signedWebhook(messageWebhook(waId, "Herta Müller", textMessage(keyword.toLowerCase(), "cz")));
  await server.signedWebhook(messageWebhook(`${waId}1`, "Karl Bauer", textMessage(`ANMELDEN ${keyword} 🙂`, "cz")));
  // The list is not live: look again until the subscription is in.
  await expect(async () => {
    await page.goto("/kanaele/abonnenten");
    await page.getByLabel("Suchen").fill(waId);
    await expect(page.getByRole("row").filter({ hasText: "Herta Müller" })).toContainText(channelName, { timeout: 2_000 });
  }, "the subscriber in the list").toPass({ timeout: 30_000 });
  await expectAccessible(page, "subscribers");
  await page.getByRole("link", { name: "Herta Müller" }).click();
  const subs = page.locator(".cz-subs li", { hasText: channelName });
  await expect(subs.filter({ hasText: "abonniert" })).toBeVisible();
  const consent = page.getByRole("table", { name: "Protokoll der Einwilligungen" });
  await expect(consent.getByRole("row").filter({ hasText: "WhatsApp-Schlüsselwort" })).toBeVisible();

  // Staff unsubscribe on request: logged with the admin's name.
  await subs.getByRole("button", { name: `Abmelden: ${channelName}` }).click();
  await expect(page.getByText("abgemeldet (protokolliert)")).toBeVisible();
  await expect(consent.getByRole("row").filter({ hasText: "Mitarbeiter/in:" })).toBeVisible();
  await screenshot(page, "channels-subscriber", { fullPage: true });
  await expectAccessible(page, "subscriber");

  // Export: the download link serves the JSON with the person's data (same session).
  const href = await page.getByRole("link", { name: "Daten exportieren" }).getAttribute("href");
  const exported = await page.request.get(href ?? "");
  expect(exported.status(), "export").toBe(200);
  expect(exported.headers()["content-disposition"] ?? "", "export is a download").toMatch(/^attachment/);
  const data = (await exported.json()) as { citizen: { waId: string }; consentEvents: unknown[] };
  expect(data.citizen.waId).toBe(waId);
  expect(data.consentEvents).toHaveLength(2);

  // Erase: the dialog says what happens, and the button needs the tick.
  await page.getByRole("button", { name: "Person löschen …" }).click();
  const eraseDialog = page.getByRole("dialog", { name: "Person endgültig löschen?" });
  await expect(eraseDialog).toBeVisible();
  const confirm = eraseDialog.getByRole("button", { name: "Endgültig löschen" });
  await expect(confirm, "erase needs the confirmation tick").toBeDisabled();
  await expect(eraseDialog, "dialog explains the erasure").toContainText("dauerhaft unkenntlich");
  await screenshot(page, "channels-erase-dialog");
  await expectAccessible(page, "erase dialog");
  await eraseDialog.getByLabel("Ich habe die Daten vorher exportiert oder brauche sie nicht.").check();
  await confirm.click();
  await expect(page.locator(".cz-banner")).toBeVisible();
  await expect(page.locator("body"), "the number is gone from the page").not.toContainText(waId);
  await expect(consent.getByRole("row").filter({ hasText: "Daten gelöscht" })).toBeVisible();

  // Archive the channel: it stays listed, marked archived.
  await page.getByRole("link", { name: "Kanäle", exact: true }).click();
  await row.getByRole("button", { name: "Archivieren" }).click();
  await page.getByRole("dialog", { name: "Kanal archivieren?" }).getByRole("button", { name: "Archivieren" }).click();
  await expect(row.filter({ hasText: "Archiviert" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Entwicklung der Abonnenten" })).toBeVisible();
  await expect(page.locator(".chart polyline").first(), "growth chart drawn").toBeAttached();
  await screenshot(page, "channels-overview", { fullPage: true });
});
