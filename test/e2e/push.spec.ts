// "Benachrichtigungen" in the account menu, at 1280 and (tagged @phone) 390 px. The browser test server
// has no VAPID keys, so this checks what a clerk of a town without push sees: the dialog says it is
// not set up (German, then English), offers no switch, fits the width and passes axe. Subscribing
// itself is not browser-tested: headless Chromium has no push service to subscribe with offline; the
// Workers tests cover the server side with a fake push service that decrypts (test/push.test.ts).
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { signIn } from "./support/staff";

test("Benachrichtigungen: not set up in this town, said in German and English", { tag: "@phone" }, async ({ page, server }, testInfo) => {
  const errors = pageErrors(page);
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  const accountMenu = page.getByRole("button", { name: /^Konto von / });
  await accountMenu.click();
  await page.getByRole("button", { name: "Benachrichtigungen" }).click();

  const dialog = page.getByRole("dialog", { name: "Benachrichtigungen" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(/Benachrichtigungen sind in Ihrer Gemeinde nicht eingerichtet/)).toBeVisible();
  await expect(dialog.getByRole("switch")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Test senden" })).toHaveCount(0);
  await expectAccessible(page, `push-not-set-up-${testInfo.project.name}`);
  await expectNoSidewaysScroll(page, `push-not-set-up-${testInfo.project.name}`);
  await screenshot(page, `push-not-set-up-${testInfo.project.name}`);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // English.
  await accountMenu.click();
  await page.getByRole("button", { name: "Sprache wechseln: English" }).click();
  // The menu may stay open after the switch (it does on a phone): close it, then open it afresh.
  const englishMenu = page.getByRole("button", { name: /^Account of / });
  await englishMenu.press("Escape");
  await expect(englishMenu).toHaveAttribute("aria-expanded", "false");
  await englishMenu.click();
  await page.getByRole("button", { name: "Notifications" }).click();
  await expect(page.getByRole("dialog", { name: "Notifications" }).getByText(/Notifications are not set up for your town/)).toBeVisible();
  expect(errors).toEqual([]);
});
