// Civic trust end to end (docs/trust.md): an admin turns on four eyes on the page "Sicherheit"; an
// editor writes a newsletter and can only send it for approval (no "Jetzt senden"); the admin is told
// live (badge "1 zur Freigabe"), approves it after a confirmation and it goes out with both names on
// it. Then the admin sets up two-factor sign-in (QR code, code from the "app", recovery codes), signs
// out, and signs in again with password and code. The audit trail shows what happened.
import { join } from "node:path";
import { Secret, TOTP } from "otpauth";
import { apiLogin, assert, messageWebhook, poll, textMessage } from "./lib.mjs";

export const title = "trust: four eyes on a broadcast, live approval, TOTP sign-in, audit trail";

const TIMEOUT = 15_000;

/** What an authenticator app shows for this secret at `at` (ms). */
const codeAt = (secret, at) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: at });

async function signIn(page, base, email, password) {
  await page.goto(`${base}/`);
  await page.locator("input[type=email]").fill(email);
  await page.locator("input[type=password]").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const json = { ...admin, "content-type": "application/json" };

  // Setup through the API: a channel with two subscribers, and an editor.
  const keyword = `TRUST${run}`.replace(/[^A-Z0-9]/g, "");
  const created = await fetch(`${base}/api/channels`, { method: "POST", headers: json, body: JSON.stringify({ name: `Gemeindeinfo ${run}`, keyword }) });
  assert(created.status === 201, `channel ${created.status}`);
  const { channel } = await created.json();
  for (let i = 0; i < 2; i++) await t.signedWebhook(messageWebhook(`43660${String(Date.now()).slice(-6)}${i}`, `Bürgerin ${i}`, textMessage(keyword, "tr")));
  await poll("2 subscribers", async () => (await (await fetch(`${base}/api/channels`, { headers: admin })).json()).channels.find((c) => c.id === channel.id)?.subscriberCount === 2);
  const editorEmail = `eva.${run.toLowerCase()}@gemeinde.test`;
  const staffRes = await fetch(`${base}/api/staff`, { method: "POST", headers: json, body: JSON.stringify({ email: editorEmail, name: "Eva Redakteurin", role: "editor", password: "eva-passwort-123" }) });
  assert(staffRes.status === 201, `staff ${staffRes.status}`);

  const adminCtx = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  const editorCtx = await t.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const a = await adminCtx.newPage();
    const errors = [];
    a.on("pageerror", (e) => errors.push(e.message));
    await signIn(a, base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
    await a.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });

    // Sicherheit: four eyes on, newsletters above 0 recipients.
    await a.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Sicherheit" }).click();
    await a.getByRole("heading", { name: "Sicherheit", level: 1 }).waitFor({ timeout: TIMEOUT });
    await a.getByLabel("Vier-Augen-Prinzip für Aussendungen").check();
    await a.getByLabel("Newsletter brauchen eine Freigabe ab mehr als … Empfängern").fill("0");
    await a.getByRole("button", { name: "Speichern" }).click();
    await a.getByText("Gespeichert.").waitFor({ timeout: TIMEOUT });

    // The editor (on a phone-sized screen) writes a newsletter: no "Jetzt senden", only "Zur Freigabe senden".
    const e = await editorCtx.newPage();
    await signIn(e, base, editorEmail, "eva-passwort-123");
    await e.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });
    const id = await e.evaluate(async (channelId) => {
      const res = await fetch("/api/broadcasts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "Wasserabschaltung Hauptstraße", kind: "newsletter", text: "Am Montag kein Wasser von 8 bis 12 Uhr.", channelIds: [channelId] }),
      });
      return (await res.json()).broadcast.id;
    }, channel.id);
    await e.goto(`${base}/aussendungen/${id}`);
    await e.getByRole("heading", { name: "Freigabe (Vier-Augen-Prinzip)" }).waitFor({ timeout: TIMEOUT });
    assert((await e.getByRole("button", { name: "Jetzt senden" }).count()) === 0, "no send button without approval");
    await e.getByRole("button", { name: "Zur Freigabe senden" }).click();
    await e.getByTestId("approval-state").getByText("Wartet auf Freigabe").waitFor({ timeout: TIMEOUT });
    assert((await e.getByRole("button", { name: "Freigeben" }).count()) === 0, "the author cannot approve");
    const noScroll = await e.evaluate(() => globalThis.document.documentElement.scrollWidth <= globalThis.innerWidth);
    assert(noScroll, "no sideways scrolling at 390 px");
    await e.screenshot({ path: join(t.artifacts, "trust-pending-phone.png"), fullPage: true });

    // The admin is told live, opens it from the badge and approves after a confirmation.
    await a.getByTestId("approval-badge").getByText("1 zur Freigabe").waitFor({ timeout: TIMEOUT });
    await a.getByTestId("approval-badge").click();
    await a.getByTestId("approval-list").getByRole("link", { name: "Wasserabschaltung Hauptstraße" }).click();
    await a.getByRole("button", { name: "Freigeben" }).click();
    await a.getByRole("dialog", { name: "Aussendung freigeben?" }).getByRole("button", { name: "Freigeben" }).click();
    await a.getByTestId("approval-state").getByText("Freigegeben von Administrator").waitFor({ timeout: TIMEOUT });
    await poll("sent", async () => (await a.getByTestId("status").textContent())?.includes("Gesendet"));
    await a.getByText("Verfasst von Eva Redakteurin").waitFor({ timeout: TIMEOUT });
    await a.screenshot({ path: join(t.artifacts, "trust-approved.png"), fullPage: true });
    // The author sees the decision live.
    await e.getByTestId("approval-state").getByText("Freigegeben von Administrator").waitFor({ timeout: TIMEOUT });

    // Two-factor sign-in for the admin.
    await a.getByRole("button", { name: "Zwei-Faktor-Anmeldung" }).click();
    const dialog = a.getByRole("dialog", { name: "Zwei-Faktor-Anmeldung" });
    await dialog.getByRole("button", { name: "Einrichten" }).click();
    await dialog.getByRole("img", { name: "QR-Code zum Einrichten der Zwei-Faktor-Anmeldung" }).waitFor({ timeout: TIMEOUT });
    const secret = (await dialog.getByTestId("totp-secret").textContent())?.trim() ?? "";
    assert(/^[A-Z2-7]+$/.test(secret), `secret ${secret}`);
    const enabledAt = Date.now();
    await dialog.getByLabel("Code aus der App").fill(codeAt(secret, enabledAt));
    await dialog.getByRole("button", { name: "Einschalten" }).click();
    await dialog.getByTestId("recovery-codes").waitFor({ timeout: TIMEOUT });
    assert((await dialog.getByTestId("recovery-codes").locator("li").count()) === 10, "ten recovery codes");
    await dialog.getByRole("button", { name: "Ich habe die Codes aufbewahrt" }).click();

    await a.getByRole("button", { name: "Abmelden" }).click();
    await signIn(a, base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
    const codeField = a.getByLabel("Code aus der Authenticator-App");
    await codeField.waitFor({ timeout: TIMEOUT });
    // The next time step's code: the one used to enable cannot be used twice.
    await codeField.fill(codeAt(secret, enabledAt + 30_000));
    await a.getByRole("button", { name: "Anmelden" }).click();
    await a.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });

    // The audit trail names who approved, and the sign-in with the second factor.
    await a.goto(`${base}/sicherheit`);
    const table = a.getByTestId("audit-table");
    await table.locator('tr[data-action="broadcast.approve"]').waitFor({ timeout: TIMEOUT });
    await table.locator('tr[data-action="broadcast.request_approval"]').getByText("Eva Redakteurin").waitFor({ timeout: TIMEOUT });
    await table.locator('tr[data-action="auth.login"]').first().getByText('"secondFactor":true').waitFor({ timeout: TIMEOUT });
    await a.screenshot({ path: join(t.artifacts, "trust-audit.png"), fullPage: true });
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } finally {
    await adminCtx.close();
    await editorCtx.close();
  }
}
