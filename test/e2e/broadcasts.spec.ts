// Broadcasts end to end in the staff app: citizens subscribe by WhatsApp keyword, an admin composes
// a newsletter with WhatsApp formatting (the preview shows it), picks the channel (reach shown),
// schedules it for a Vienna time (after a confirmation naming the recipients), then sends it now
// (confirmed too) and watches the live progress bar reach 100 % while the simulated WhatsApp
// accepts the messages; the delivery chart appears.
import { messageWebhook, textMessage } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

const CITIZENS = 5;

/** Tomorrow at 09:00 in Vienna, as the datetime-local field takes it. */
function tomorrowNine() {
  const d = new Date(Date.now() + 24 * 3600_000);
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Vienna", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  return `${day}T09:00`;
}

test("broadcasts: compose with preview, schedule in Vienna time, send, live progress to 100 %", async ({ page, server, adminApi }) => {
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Gemeindezeitung ${run}`;
  const keyword = `ZEITUNG${run}`.replace(/[^A-Z0-9]/g, "");

  // Setup through the API: a channel, and citizens who subscribe to it by keyword.
  const created = await adminApi.call<{ channel: { id: string } }>("POST", "/api/channels", { name: channelName, keyword });
  expect(created.status, `channel: ${JSON.stringify(created.data)}`).toBe(201);
  const { channel } = created.data;
  for (let i = 0; i < CITIZENS; i++) {
    await server.signedWebhook(messageWebhook(`4366055${run.length}${String(Date.now()).slice(-5)}${i}`, `Leserin ${i}`, textMessage(keyword, "bc")));
  }
  await expect
    .poll(async () => (await adminApi.json<{ channels: { id: string; subscriberCount: number }[] }>("GET", "/api/channels")).channels.find((c) => c.id === channel.id)?.subscriberCount, { message: `${CITIZENS} subscribers` })
    .toBe(CITIZENS);

  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Aussendungen");
  await expect(page.getByRole("heading", { name: "Aussendungen" })).toBeVisible();
  await expectAccessible(page, "broadcasts list");
  await page.getByRole("link", { name: "Neue Aussendung" }).click();
  await expect(page.getByRole("heading", { name: "Neue Aussendung" })).toBeVisible();

  // Compose: WhatsApp formatting shows in the preview as it will on the phone.
  await page.getByLabel("Titel (nur intern)").fill(`Zeitung ${run}`);
  await page.getByLabel("Text", { exact: true }).fill("Grüß Gott!\n*Neu*: Sprechstunde am _Montag_.");
  const bubble = page.getByTestId("wa-bubble");
  await expect(bubble.locator("strong"), "bold in the preview").toHaveText("Neu");
  await expect(bubble.locator("em"), "italic in the preview").toHaveText("Montag");
  await expect(bubble.locator("br"), "line break in the preview").toHaveCount(1);

  // Channel with its subscriber count, and the reach.
  await page.getByLabel(new RegExp(channelName)).check();
  await expect(page.getByTestId("reach")).toContainText(`Erreicht ${CITIZENS} Personen`);

  // Schedule for tomorrow 09:00 Vienna time.
  await page.getByLabel("Später senden").check();
  const when = tomorrowNine();
  await page.getByLabel("Datum und Uhrzeit (Wiener Zeit)").fill(when);
  await screenshot(page, "broadcast-editor", { fullPage: true });
  await expectAccessible(page, "broadcast editor");
  await page.getByRole("button", { name: "Speichern und planen" }).click();
  // Nothing is scheduled without a confirmation that names the recipients.
  const planDialog = page.getByRole("dialog", { name: "Aussendung planen?" });
  await expect(planDialog.getByText(`geht an ${CITIZENS} Personen`)).toBeVisible();
  await expectAccessible(page, "schedule confirmation");
  await planDialog.getByRole("button", { name: "Planen" }).click();
  await expect(page.getByTestId("status").filter({ hasText: "Geplant" })).toBeVisible();
  const [y, m, d] = when.slice(0, 10).split("-");
  const meta = page.locator(".bc-meta");
  await expect(meta, "scheduled date shown").toContainText(new RegExp(`0?${Number(d)}\\.${m}\\.${y}`));
  await expect(meta, "scheduled 09:00 Vienna shown").toContainText("09:00");
  await expectAccessible(page, "scheduled broadcast");

  // Send now instead, and watch the progress bar fill up live.
  await page.getByRole("button", { name: "Jetzt senden" }).click();
  const sendDialog = page.getByRole("dialog", { name: "Jetzt senden?" });
  await sendDialog.getByRole("button", { name: `An ${CITIZENS} Personen senden` }).click();
  await expect(page.getByTestId("status").filter({ hasText: /Wird gesendet|Gesendet/ })).toBeVisible();
  const bar = page.getByRole("progressbar").first();
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("progress-text")).toContainText(`${CITIZENS} von ${CITIZENS} erledigt (100 %)`);
  await expect(bar, "progress bar full").toHaveAttribute("aria-valuenow", String(CITIZENS));
  await expect(page.getByTestId("status").filter({ hasText: "Gesendet" })).toBeVisible();
  // WhatsApp (simulated) reports delivery: the chart and the counts fill in.
  await expect(page.getByTestId("delivery-chart").locator("svg")).toBeVisible();
  await expect(page.locator("[data-count=delivered] dd"), "delivered count").toHaveText(String(CITIZENS));
  await expect(page.getByTestId("delivery-chart"), "delivered in the chart").toContainText(`Zugestellt (${CITIZENS})`);
  await screenshot(page, "broadcast-sent", { fullPage: true });
  await expectAccessible(page, "sent broadcast with the delivery chart");

  // The list shows it as sent.
  await page.getByRole("link", { name: "← Alle Aussendungen" }).click();
  const row = page.locator("tr[data-broadcast]", { hasText: `Zeitung ${run}` });
  await expect(row.getByText("Gesendet", { exact: true })).toBeVisible();
  await expect(row, "list shows the result").toContainText(`${CITIZENS} von ${CITIZENS} gesendet`);
});
