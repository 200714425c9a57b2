// Passkeys end to end (docs/trust.md) with Chromium's virtual authenticator (CDP WebAuthn domain,
// a platform authenticator with user verification): add a passkey "Laptop Büro" in the account's
// two-factor settings, sign out, sign in with "Mit Passkey anmelden" — no password. Runs at desk and
// phone size. Then an admin removes Pia's passkeys on "Sicherheit" (a lost laptop): after a
// confirmation naming her, the count in the team list shows 0. WebAuthn needs a host name, not an IP
// address, so this spec opens the app at localhost.
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { expect, pageErrors, test as base } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

const test = base.extend({
  baseURL: async ({ server }, use) => {
    await use(server.baseUrl.replace("//127.0.0.1:", "//localhost:"));
  },
});

test("passkeys: add one in the settings, sign out, sign in with the passkey @phone", async ({ page, server, adminApi }, testInfo) => {
  const who = `${testInfo.project.name}-${Date.now().toString(36)}`;
  const email = `pia.${who}@gemeinde.test`;
  const created = await adminApi.call<{ staff: { id: string } }>("POST", "/api/staff", { email, name: "Pia Passkey", role: "editor", password: "pia-passwort-1234" });
  expect(created.status, "staff member created").toBe(201);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  const errors = pageErrors(page);
  await signIn(page, email, "pia-passwort-1234");
  await page.getByRole("button", { name: /^Konto von / }).click();
  await page.getByRole("button", { name: "Zwei-Faktor-Anmeldung" }).click();
  const dialog = page.getByRole("dialog", { name: "Zwei-Faktor-Anmeldung" });
  await expect(dialog.getByRole("heading", { name: "Passkeys" })).toBeVisible();
  await expect(dialog.getByText("Noch kein Passkey gespeichert.")).toBeVisible();
  await dialog.getByLabel("Name des Passkeys").fill("Laptop Büro");
  await dialog.getByRole("button", { name: "Passkey hinzufügen" }).click();
  await expect(dialog.getByText("Der Passkey „Laptop Büro“ ist gespeichert.")).toBeVisible();
  const item = dialog.locator("[data-passkey]");
  await expect(item).toHaveCount(1);
  await expect(item.getByText("Laptop Büro", { exact: true })).toBeVisible();
  await expect(item.getByText(/noch nie verwendet/)).toBeVisible();
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials, "one resident credential on the authenticator").toHaveLength(1);
  expect(credentials[0]?.isResidentCredential).toBe(true);
  await expectNoSidewaysScroll(page, `passkey settings (${testInfo.project.name})`);
  await expectAccessible(page, "passkey settings");
  await screenshot(page, `passkeys-settings-${testInfo.project.name}`);

  // Rename it, then close and sign out.
  await item.getByRole("button", { name: "Umbenennen: Laptop Büro" }).click();
  await item.getByLabel("Name des Passkeys").fill("Laptop Büro 2. Stock");
  await item.getByRole("button", { name: "Speichern" }).click();
  await expect(item.getByText("Laptop Büro 2. Stock", { exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: /^Konto von / }).click();
  await page.getByRole("button", { name: "Abmelden" }).click();

  // Sign in without a password.
  await expect(page.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();
  await expectNoSidewaysScroll(page, `sign-in with passkey button (${testInfo.project.name})`);
  await expectAccessible(page, "sign-in page with passkey");
  await page.getByRole("button", { name: "Mit Passkey anmelden" }).click();
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Konto von Pia Passkey/ })).toBeVisible();

  // The audit trail has the passkey sign-in.
  const audit = await adminApi.json<{ entries: { action: string; actorName: string | null; detail: Record<string, unknown> | null }[] }>("GET", "/api/audit?action=auth.");
  const actions = audit.entries.filter((e) => e.actorName === "Pia Passkey").map((e) => `${e.action}${e.detail?.method ? `:${String(e.detail.method)}` : ""}`);
  expect(actions).toEqual(expect.arrayContaining(["auth.passkey_added", "auth.passkey_renamed", "auth.login:passkey"]));

  // Her laptop is lost: an admin removes all her passkeys on "Sicherheit".
  await page.getByRole("button", { name: /^Konto von / }).click();
  await page.getByRole("button", { name: "Abmelden" }).click();
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Sicherheit");
  const piaId = created.data.staff.id;
  const row = page.locator(`tr[data-staff="${piaId}"]`);
  await expect(row.getByRole("rowheader", { name: "Pia Passkey" })).toBeVisible();
  const countCell = row.locator("[data-passkeys]");
  await expect(countCell).toHaveText("1");
  await row.getByRole("button", { name: "Passkeys entfernen (Pia Passkey)" }).click();
  const confirm = page.getByRole("dialog", { name: "Alle Passkeys von Pia Passkey entfernen?" });
  await expect(confirm).toContainText("Pia Passkey kann sich danach nur noch mit dem Passwort anmelden");
  await expectAccessible(page, "passkey reset confirmation");
  await confirm.getByRole("button", { name: "Passkeys entfernen" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("Die Passkeys von Pia Passkey sind entfernt.")).toBeVisible();
  await expect(countCell, "the list is loaded again").toHaveText("0");
  await expect(row.getByRole("button", { name: /^Passkeys entfernen/ }), "nothing left to remove").toHaveCount(0);
  await expectNoSidewaysScroll(page, `Sicherheit after the passkey reset (${testInfo.project.name})`);
  await screenshot(page, `passkeys-reset-${testInfo.project.name}`);
  const team = await adminApi.json<{ staff: { id: string; passkeys: number }[] }>("GET", "/api/staff");
  expect(team.staff.find((x) => x.id === piaId)?.passkeys).toBe(0);
  const resets = await adminApi.json<{ entries: { action: string; targetId?: string | null }[] }>("GET", "/api/audit?action=staff.passkeys_reset");
  expect(resets.entries.length, "the reset is in the audit trail").toBeGreaterThan(0);
  expect(errors, "no page errors").toEqual([]);
});
