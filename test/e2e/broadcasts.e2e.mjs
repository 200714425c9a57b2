// Broadcasts end to end in the staff app: citizens subscribe by WhatsApp keyword, an admin composes
// a newsletter with WhatsApp formatting (the preview shows it), picks the channel (reach shown),
// schedules it for a Vienna time (after a confirmation naming the recipients), then sends it now
// (confirmed too) and watches the live progress bar reach 100 %
// while the simulated WhatsApp accepts the messages; the delivery chart appears. Screenshots to
// test-artifacts/.
import { join } from "node:path";
import { assert, messageWebhook, poll as pollFor, textMessage } from "./lib.mjs";

export const title = "broadcasts: compose with preview, schedule in Vienna time, send, live progress to 100 %";

const TIMEOUT = 20_000;
const poll = (what, fn, timeout = TIMEOUT) => pollFor(what, fn, timeout);

const CITIZENS = 5;

function keywordWebhook(waId, name, text) {
  return messageWebhook(waId, name, textMessage(text, "bc"));
}

/** Tomorrow at 09:00 in Vienna, as the datetime-local field takes it. */
function tomorrowNine() {
  const d = new Date(Date.now() + 24 * 3600_000);
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Vienna", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  return `${day}T09:00`;
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Gemeindezeitung ${run}`;
  const keyword = `ZEITUNG${run}`.replace(/[^A-Z0-9]/g, "");

  // Setup through the API: a channel, and citizens who subscribe to it by keyword.
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: t.env.ADMIN_EMAIL, password: t.env.ADMIN_PASSWORD }),
  });
  assert(login.ok, `login ${login.status}`);
  const cookie = /tw_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")?.[0];
  const headers = { cookie, origin: base, "content-type": "application/json" };
  const created = await fetch(`${base}/api/channels`, { method: "POST", headers, body: JSON.stringify({ name: channelName, keyword }) });
  assert(created.status === 201, `channel ${created.status}: ${await created.clone().text()}`);
  const { channel } = await created.json();
  for (let i = 0; i < CITIZENS; i++) {
    await t.signedWebhook(keywordWebhook(`4366055${run.length}${String(Date.now()).slice(-5)}${i}`, `Leserin ${i}`, keyword));
  }
  await poll(`${CITIZENS} subscribers`, async () => {
    const res = await fetch(`${base}/api/channels`, { headers });
    const { channels } = await res.json();
    return channels.find((c) => c.id === channel.id)?.subscriberCount === CITIZENS;
  });

  const context = await t.browser.newContext({ viewport: { width: 1280, height: 1300 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/`);
    await page.locator("input[type=email]").fill(t.env.ADMIN_EMAIL);
    await page.locator("input[type=password]").fill(t.env.ADMIN_PASSWORD);
    await page.locator("button[type=submit]").click();
    await page.getByRole("link", { name: "Aussendungen" }).click();
    await page.getByRole("heading", { name: "Aussendungen" }).waitFor({ timeout: TIMEOUT });
    await page.getByRole("link", { name: "Neue Aussendung" }).click();
    await page.getByRole("heading", { name: "Neue Aussendung" }).waitFor({ timeout: TIMEOUT });

    // Compose: WhatsApp formatting shows in the preview as it will on the phone.
    await page.getByLabel("Titel (nur intern)").fill(`Zeitung ${run}`);
    await page.getByLabel("Text", { exact: true }).fill("Grüß Gott!\n*Neu*: Sprechstunde am _Montag_.");
    const bubble = page.getByTestId("wa-bubble");
    await poll("bold in the preview", async () => (await bubble.locator("strong").textContent()) === "Neu");
    assert((await bubble.locator("em").textContent()) === "Montag", "italic in the preview");
    assert((await bubble.locator("br").count()) === 1, "line break in the preview");

    // Channel with its subscriber count, and the reach.
    await page.getByLabel(new RegExp(channelName)).check();
    await poll("reach", async () => (await page.getByTestId("reach").textContent())?.includes(`Erreicht ${CITIZENS} Personen`));

    // Schedule for tomorrow 09:00 Vienna time.
    await page.getByLabel("Später senden").check();
    const when = tomorrowNine();
    await page.getByLabel("Datum und Uhrzeit (Wiener Zeit)").fill(when);
    await page.screenshot({ path: join(t.artifacts, "broadcast-editor.png"), fullPage: true });
    await page.getByRole("button", { name: "Speichern und planen" }).click();
    // Nothing is scheduled without a confirmation that names the recipients.
    const planDialog = page.getByRole("dialog", { name: "Aussendung planen?" });
    await planDialog.getByText(`geht an ${CITIZENS} Personen`).waitFor({ timeout: TIMEOUT });
    await planDialog.getByRole("button", { name: "Planen" }).click();
    await page.getByTestId("status").filter({ hasText: "Geplant" }).waitFor({ timeout: TIMEOUT });
    const scheduledText = await page.locator(".bc-meta").textContent();
    const [y, m, d] = when.slice(0, 10).split("-");
    assert(scheduledText.includes(`${Number(d)}.${m}.${y}`) || scheduledText.includes(`${d}.${m}.${y}`), `scheduled date shown: ${scheduledText}`);
    assert(scheduledText.includes("09:00"), `scheduled 09:00 Vienna shown: ${scheduledText}`);

    // Send now instead, and watch the progress bar fill up live.
    await page.getByRole("button", { name: "Jetzt senden" }).click();
    const sendDialog = page.getByRole("dialog", { name: "Jetzt senden?" });
    await sendDialog.getByRole("button", { name: `An ${CITIZENS} Personen senden` }).click();
    await page.getByTestId("status").filter({ hasText: /Wird gesendet|Gesendet/ }).waitFor({ timeout: TIMEOUT });
    await page.getByRole("progressbar").first().waitFor({ timeout: TIMEOUT });
    await poll("progress at 100 %", async () => (await page.getByTestId("progress-text").textContent())?.includes(`${CITIZENS} von ${CITIZENS} erledigt (100 %)`));
    const bar = page.getByRole("progressbar").first();
    assert((await bar.getAttribute("aria-valuenow")) === String(CITIZENS), "progress bar full");
    await page.getByTestId("status").filter({ hasText: "Gesendet" }).waitFor({ timeout: TIMEOUT });
    // WhatsApp (simulated) reports delivery: the chart and the counts fill in.
    await page.getByTestId("delivery-chart").locator("svg").waitFor({ timeout: TIMEOUT });
    await poll("delivered count", async () => (await page.locator("[data-count=delivered] dd").textContent().catch(() => null)) === String(CITIZENS));
    await poll("delivered in the chart", async () => (await page.getByTestId("delivery-chart").textContent())?.includes(`Zugestellt (${CITIZENS})`));
    await page.screenshot({ path: join(t.artifacts, "broadcast-sent.png"), fullPage: true });

    // The list shows it as sent.
    await page.getByRole("link", { name: "← Alle Aussendungen" }).click();
    const row = page.locator("tr[data-broadcast]", { hasText: `Zeitung ${run}` });
    await row.getByText("Gesendet", { exact: true }).waitFor({ timeout: TIMEOUT });
    assert((await row.textContent()).includes(`${CITIZENS} von ${CITIZENS} gesendet`), "list shows the result");
  } catch (err) {
    await page.screenshot({ path: join(t.artifacts, "broadcast-failure.png"), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}
