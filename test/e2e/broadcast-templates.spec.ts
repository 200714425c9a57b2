// A teaser newsletter ("Weiterlesen") to a mixed audience, end to end in the staff app: two citizens
// wrote today, three wrote days ago (by WhatsApp timestamp). Free text alone is refused before send,
// with the numbers; one click switches to "Weiterlesen" with the approved template that has the
// button; the editor shows who gets what and the cost; the confirmation names recipients and cost;
// after sending, a citizen taps "Weiterlesen" on the simulator phone, the full newsletter arrives
// there, and the staff app shows the tap (`opened`) live.
import { messageWebhook, textMessage } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

const DAY = 86_400;

test("broadcasts: teaser newsletter to a mixed audience – split, cost, confirmation, tap on Weiterlesen, opened live", async ({ page, context, server, adminApi }) => {
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Wochenblatt ${run}`;
  const keyword = `BLATT${run}`.replace(/[^A-Z0-9]/g, "");

  // A channel; 2 citizens subscribe now (inside the window), 3 subscribed 3 days ago (outside).
  const { channel } = await adminApi.json<{ channel: { id: string } }>("POST", "/api/channels", { name: channelName, keyword });
  const now = Math.floor(Date.now() / 1000);
  const citizens: { waId: string; inside: boolean }[] = [];
  for (let i = 0; i < 5; i++) {
    const waId = `43660${run.length}${String(Date.now()).slice(-5)}${i}`;
    const ts = i < 2 ? now : now - 3 * DAY;
    citizens.push({ waId, inside: i < 2 });
    await server.signedWebhook(messageWebhook(waId, `Leser ${i}`, { ...textMessage(keyword, `tpl${i}`), timestamp: String(ts) }));
  }
  await expect
    .poll(async () => (await adminApi.json<{ channels: { id: string; subscriberCount: number }[] }>("GET", "/api/channels")).channels.find((c) => c.id === channel.id)?.subscriberCount, { message: "5 subscribers" })
    .toBe(5);
  // The approved templates (among them newsletter_woche with the "Weiterlesen" button) from the (fake) Graph API.
  await adminApi.json("POST", "/api/templates/sync");

  const errors = pageErrors(page);
  const newsletter = `Grüß Gott! Die Brücke ist ab Montag gesperrt. Sommerfest ${run} am Samstag.`;
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Aussendungen");
  await page.getByRole("link", { name: "Neue Aussendung" }).click();
  await expect(page.getByRole("heading", { name: "Neue Aussendung" })).toBeVisible();

  await page.getByLabel("Titel (nur intern)").fill(`Wochenblatt ${run}`);
  await page.getByLabel("Text", { exact: true }).fill(newsletter);
  await page.getByLabel(new RegExp(channelName)).check();

  // Free text alone ("Automatisch" without a template) cannot reach the three: said before sending.
  const needs = page.getByTestId("needs-template");
  await expect(needs, "needs-template names the numbers").toContainText("3 von 5 Personen");
  await expect(page.getByRole("button", { name: "Speichern und jetzt senden" }), "send is disabled while free text cannot reach everyone").toBeDisabled();
  await expectAccessible(page, "broadcast editor: template needed");

  // One click: "Weiterlesen" with the one approved template that has the button.
  await page.getByRole("button", { name: "„Weiterlesen“ verwenden" }).click();
  await expect(page.getByRole("radio", { name: /^Weiterlesen/ }), "delivery Weiterlesen chosen").toBeChecked();
  await expect(page.getByLabel("Vorlage mit „Weiterlesen“"), "the teaser template chosen").toHaveValue(/^newsletter_woche\|/);
  await page.getByLabel("Platzhalter 1").fill("liebe Leserin, lieber Leser");
  await page.getByLabel("Platzhalter 2").fill("Brückensperre und Sommerfest");

  // Who gets what, with the cost.
  await expect(page.getByTestId("split-inside")).toContainText("2 haben in den letzten 24 Stunden geschrieben");
  const outside = page.getByTestId("split-outside");
  await expect(outside).toContainText("3 haben länger nicht geschrieben");
  await expect(outside).toContainText("Weiterlesen");
  await expect(page.getByTestId("cost")).toContainText(/≈ €\s?\d+,\d\d/);
  await expect(page.getByTestId("needs-template"), "no block with the teaser template").toHaveCount(0);
  await screenshot(page, "broadcast-teaser-editor", { fullPage: true });
  await expectAccessible(page, "broadcast editor: Weiterlesen");

  // Send: the confirmation names recipients and cost; nothing goes out before it is confirmed.
  await page.getByRole("button", { name: "Speichern und jetzt senden" }).click();
  const dialog = page.getByRole("dialog", { name: "Jetzt senden?" });
  await expect(dialog.getByText("geht an 5 Personen")).toBeVisible();
  await expect(dialog, "cost in the confirmation").toContainText(/≈ €\s?\d+,\d\d/);
  const listed = await adminApi.json<{ broadcasts: { title: string; status: string }[] }>("GET", "/api/broadcasts?limit=5");
  expect(listed.broadcasts.find((b) => b.title === `Wochenblatt ${run}`)?.status, "still a draft before confirming").toBe("draft");
  await screenshot(page, "broadcast-teaser-confirm");
  await expectAccessible(page, "send confirmation");
  await dialog.getByRole("button", { name: "An 5 Personen senden" }).click();

  // Sent: 2 as text, 3 as the template.
  await expect(page.getByTestId("status").filter({ hasText: "Gesendet" })).toBeVisible();
  await expect(page.locator("[data-count=freeForm] dd"), "free-form count").toHaveText("2");
  await expect(page.locator("[data-count=viaTemplate] dd"), "template count").toHaveText("3");
  await expect(page.locator("[data-count=opened] dd"), "nobody tapped yet").toHaveText("0");

  // A citizen outside the window taps "Weiterlesen" on the simulator phone; the full text follows.
  const reader = citizens.find((c) => !c.inside);
  const phone = await context.newPage();
  await phone.goto(`/__dev/phone#${reader?.waId}`);
  const teaser = phone.locator(".msg.out", { hasText: "Brückensperre und Sommerfest" });
  await expect(teaser).toBeVisible();
  await teaser.getByRole("button", { name: "Weiterlesen" }).click();
  await expect(phone.locator(".msg.out", { hasText: `Sommerfest ${run} am Samstag` })).toBeVisible();
  await screenshot(phone, "broadcast-teaser-phone");
  await expectAccessible(phone, "simulator phone with a teaser");

  // The tap shows in the staff app live, without reload.
  await expect(page.locator("[data-count=opened] dd"), "opened count live").toHaveText("1");
  await screenshot(page, "broadcast-teaser-sent", { fullPage: true });
  expect(errors, "page errors").toEqual([]);
});
