// Civic trust end to end (docs/trust.md): an admin turns on four eyes on the page "Sicherheit"; an
// editor writes a newsletter and can only send it for approval (no "Jetzt senden"); the admin is told
// live (badge "1 zur Freigabe"), approves it after a confirmation and it goes out with both names on
// it. Then the admin sets up two-factor sign-in (QR code, code from the "app", recovery codes), signs
// out, and signs in again with password and code. The audit trail shows what happened.
import type { Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { messageWebhook, textMessage } from "./support/citizen";
import { expect, pageErrors, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

/** What an authenticator app shows for this secret at `at` (ms). */
const codeAt = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: at });

/** Fills in the sign-in form (without waiting for the app: a second factor may be asked for). */
async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
}

test("trust: four eyes on a broadcast, live approval, TOTP sign-in, audit trail", async ({ page: a, browser, server, adminApi }) => {
  const run = Date.now().toString(36).slice(-4).toUpperCase();

  // Setup through the API: a channel with two subscribers, and an editor.
  const keyword = `TRUST${run}`.replace(/[^A-Z0-9]/g, "");
  const created = await adminApi.call<{ channel: { id: string } }>("POST", "/api/channels", { name: `Gemeindeinfo ${run}`, keyword });
  expect(created.status, "channel created").toBe(201);
  const channel = created.data.channel;
  for (let i = 0; i < 2; i++) await server.signedWebhook(messageWebhook(`43660${String(Date.now()).slice(-6)}${i}`, `Bürgerin ${i}`, textMessage(keyword, "tr")));
  await expect
    .poll(async () => (await adminApi.json<{ channels: { id: string; subscriberCount: number }[] }>("GET", "/api/channels")).channels.find((c) => c.id === channel.id)?.subscriberCount, { message: "2 subscribers" })
    .toBe(2);
  const editorEmail = `eva.${run.toLowerCase()}@gemeinde.test`;
  const staffRes = await adminApi.call("POST", "/api/staff", { email: editorEmail, name: "Eva Redakteurin", role: "editor", password: "eva-passwort-123" });
  expect(staffRes.status, "editor created").toBe(201);

  const errors = pageErrors(a);
  await signIn(a, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await expect(a.locator('.conn[data-state="live"]')).toBeVisible();

  // Sicherheit: four eyes on, newsletters above 0 recipients.
  await goToPage(a, "Sicherheit");
  await expect(a.getByRole("heading", { name: "Sicherheit", level: 1 })).toBeVisible();
  await expectAccessible(a, "security");
  await a.getByLabel("Vier-Augen-Prinzip für Aussendungen").check();
  await a.getByLabel("Newsletter brauchen eine Freigabe ab mehr als … Empfängern").fill("0");
  await a.getByRole("button", { name: "Speichern" }).click();
  await expect(a.getByText("Gespeichert.")).toBeVisible();

  // The editor (on a phone-sized screen) writes a newsletter: no "Jetzt senden", only "Zur Freigabe senden".
  const editorCtx = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const e = await editorCtx.newPage();
    const editorErrors = pageErrors(e);
    await signIn(e, editorEmail, "eva-passwort-123");
    await expect(e.locator('.conn[data-state="live"]')).toBeVisible();
    const id = await e.evaluate(async (channelId) => {
      const res = await fetch("/api/broadcasts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "Wasserabschaltung Hauptstraße", kind: "newsletter", text: "Am Montag kein Wasser von 8 bis 12 Uhr.", channelIds: [channelId] }),
      });
      return ((await res.json()) as { broadcast: { id: string } }).broadcast.id;
    }, channel.id);
    await e.goto(`/aussendungen/${id}`);
    await expect(e.getByRole("heading", { name: "Freigabe (Vier-Augen-Prinzip)" })).toBeVisible();
    await expect(e.getByRole("button", { name: "Jetzt senden" }), "no send button without approval").toHaveCount(0);
    await expectAccessible(e, "broadcast draft (editor, phone)");
    await e.getByRole("button", { name: "Zur Freigabe senden" }).click();
    await expect(e.getByTestId("approval-state").getByText("Wartet auf Freigabe")).toBeVisible();
    await expect(e.getByRole("button", { name: "Freigeben" }), "the author cannot approve").toHaveCount(0);
    await expectNoSidewaysScroll(e, "pending broadcast at 390 px");
    await screenshot(e, "trust-pending-phone", { fullPage: true });
    await expectAccessible(e, "broadcast pending approval (editor, phone)");

    // The admin is told live, opens it from the badge and approves after a confirmation.
    await expect(a.getByTestId("approval-badge").getByText("1 zur Freigabe")).toBeVisible();
    await a.getByTestId("approval-badge").click();
    await a.getByTestId("approval-list").getByRole("link", { name: "Wasserabschaltung Hauptstraße" }).click();
    await expectAccessible(a, "broadcast awaiting approval (admin)");
    await a.getByRole("button", { name: "Freigeben" }).click();
    const confirm = a.getByRole("dialog", { name: "Aussendung freigeben?" });
    await expect(confirm).toBeVisible();
    await expectAccessible(a, "approve dialog");
    await confirm.getByRole("button", { name: "Freigeben" }).click();
    await expect(a.getByTestId("approval-state").getByText("Freigegeben von Administrator")).toBeVisible();
    await expect(a.getByTestId("status"), "sent").toContainText("Gesendet");
    await expect(a.getByText("Verfasst von Eva Redakteurin")).toBeVisible();
    await screenshot(a, "trust-approved", { fullPage: true });
    // The author sees the decision live.
    await expect(e.getByTestId("approval-state").getByText("Freigegeben von Administrator")).toBeVisible();
    expect(editorErrors, "no page errors for the editor").toEqual([]);
  } finally {
    await editorCtx.close();
  }

  // Two-factor sign-in for the admin (in the account menu).
  const accountMenu = a.getByRole("button", { name: /^Konto von / });
  await accountMenu.click();
  await a.getByRole("button", { name: "Zwei-Faktor-Anmeldung" }).click();
  const dialog = a.getByRole("dialog", { name: "Zwei-Faktor-Anmeldung" });
  await dialog.getByRole("button", { name: "Einrichten" }).click();
  await expect(dialog.getByRole("img", { name: "QR-Code zum Einrichten der Zwei-Faktor-Anmeldung" })).toBeVisible();
  await expectAccessible(a, "two-factor setup dialog");
  const secret = (await dialog.getByTestId("totp-secret").textContent())?.trim() ?? "";
  expect(secret, "the secret in base32").toMatch(/^[A-Z2-7]+$/);
  const enabledAt = Date.now();
  await dialog.getByLabel("Code aus der App").fill(codeAt(secret, enabledAt));
  await dialog.getByRole("button", { name: "Einschalten" }).click();
  await expect(dialog.getByTestId("recovery-codes").locator("li"), "ten recovery codes").toHaveCount(10);
  await expectAccessible(a, "two-factor recovery codes");
  await dialog.getByRole("button", { name: "Ich habe die Codes aufbewahrt" }).click();

  await accountMenu.click();
  await a.getByRole("button", { name: "Abmelden" }).click();
  await submitLogin(a, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  const codeField = a.getByLabel("Code aus der Authenticator-App");
  await expect(codeField).toBeVisible();
  await expectAccessible(a, "sign-in: second factor");
  // The next time step's code: the one used to enable cannot be used twice.
  await codeField.fill(codeAt(secret, enabledAt + 30_000));
  await a.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(a.locator('.conn[data-state="live"]')).toBeVisible();

  // The audit trail names who approved, and the sign-in with the second factor.
  await a.goto("/sicherheit");
  const table = a.getByTestId("audit-table");
  await expect(table.locator('tr[data-action="broadcast.approve"]').first()).toBeVisible();
  await expect(table.locator('tr[data-action="broadcast.request_approval"]').getByText("Eva Redakteurin")).toBeVisible();
  await expect(table.locator('tr[data-action="auth.login"]').first().getByText('"secondFactor":true')).toBeVisible();
  await screenshot(a, "trust-audit", { fullPage: true });
  await expectAccessible(a, "security with audit trail");
  expect(errors, "no page errors").toEqual([]);
});
