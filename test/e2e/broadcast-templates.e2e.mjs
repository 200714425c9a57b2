// A teaser newsletter ("Weiterlesen") to a mixed audience, end to end in the staff app: two citizens
// wrote today, three wrote days ago (by WhatsApp timestamp). Free text alone is refused before send,
// with the numbers; one click switches to "Weiterlesen" with the approved template that has the
// button; the editor shows who gets what and the cost; the confirmation names recipients and cost;
// after sending, a citizen taps "Weiterlesen" on the simulator phone, the full newsletter arrives
// there, and the staff app shows the tap (`opened`) live. Needs the issue-10 backend (h/wa10).
// Screenshots to test-artifacts/.
import { join } from "node:path";
import { apiLogin, assert, messageWebhook, poll as pollFor, textMessage } from "./lib.mjs";

export const title = "broadcasts: teaser newsletter to a mixed audience – split, cost, confirmation, tap on Weiterlesen, opened live";

const TIMEOUT = 20_000;
const poll = (what, fn, timeout = TIMEOUT) => pollFor(what, fn, timeout);
const DAY = 86_400;

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36).slice(-4).toUpperCase();
  const channelName = `Wochenblatt ${run}`;
  const keyword = `BLATT${run}`.replace(/[^A-Z0-9]/g, "");
  const { cookie, origin } = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const headers = { cookie, origin, "content-type": "application/json" };
  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // A channel; 2 citizens subscribe now (inside the window), 3 subscribed 3 days ago (outside).
  const { channel } = await api("POST", "/api/channels", { name: channelName, keyword });
  const now = Math.floor(Date.now() / 1000);
  const citizens = [];
  for (let i = 0; i < 5; i++) {
    const waId = `43660${run.length}${String(Date.now()).slice(-5)}${i}`;
    const ts = i < 2 ? now : now - 3 * DAY;
    citizens.push({ waId, inside: i < 2 });
    await t.signedWebhook(messageWebhook(waId, `Leser ${i}`, { ...textMessage(keyword, `tpl${i}`), timestamp: String(ts) }));
  }
  await poll("5 subscribers", async () => (await api("GET", "/api/channels")).channels.find((c) => c.id === channel.id)?.subscriberCount === 5);
  // The approved templates (among them newsletter_woche with the "Weiterlesen" button) from the (fake) Graph API.
  await api("POST", "/api/templates/sync");

  const context = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const newsletter = `Grüß Gott! Die Brücke ist ab Montag gesperrt. Sommerfest ${run} am Samstag.`;
  try {
    await page.goto(`${base}/`);
    await page.locator("input[type=email]").fill(t.env.ADMIN_EMAIL);
    await page.locator("input[type=password]").fill(t.env.ADMIN_PASSWORD);
    await page.locator("button[type=submit]").click();
    await page.getByRole("link", { name: "Aussendungen" }).click();
    await page.getByRole("link", { name: "Neue Aussendung" }).click();
    await page.getByRole("heading", { name: "Neue Aussendung" }).waitFor({ timeout: TIMEOUT });

    await page.getByLabel("Titel (nur intern)").fill(`Wochenblatt ${run}`);
    await page.getByLabel("Text", { exact: true }).fill(newsletter);
    await page.getByLabel(new RegExp(channelName)).check();

    // Free text alone ("Automatisch" without a template) cannot reach the three: said before sending.
    const needs = page.getByTestId("needs-template");
    await needs.waitFor({ timeout: TIMEOUT });
    assert((await needs.textContent()).includes("3 von 5 Personen"), `needs-template names the numbers: ${await needs.textContent()}`);
    assert(await page.getByRole("button", { name: "Speichern und jetzt senden" }).isDisabled(), "send is disabled while free text cannot reach everyone");

    // One click: "Weiterlesen" with the one approved template that has the button.
    await page.getByRole("button", { name: "„Weiterlesen“ verwenden" }).click();
    assert(await page.getByRole("radio", { name: /^Weiterlesen/ }).isChecked(), "delivery Weiterlesen chosen");
    const picker = page.getByLabel("Vorlage mit „Weiterlesen“");
    await poll("the teaser template chosen", async () => (await picker.inputValue()).startsWith("newsletter_woche|"));
    await page.getByLabel("Platzhalter 1").fill("liebe Leserin, lieber Leser");
    await page.getByLabel("Platzhalter 2").fill("Brückensperre und Sommerfest");

    // Who gets what, with the cost.
    await poll("split inside", async () => (await page.getByTestId("split-inside").textContent())?.includes("2 haben in den letzten 24 Stunden geschrieben"));
    const outside = await page.getByTestId("split-outside").textContent();
    assert(outside.includes("3 haben länger nicht geschrieben") && outside.includes("Weiterlesen"), `split outside: ${outside}`);
    await poll("cost", async () => /≈ €\s?\d+,\d\d/.test((await page.getByTestId("cost").textContent()) ?? ""));
    assert((await page.getByTestId("needs-template").count()) === 0, "no block with the teaser template");
    await page.screenshot({ path: join(t.artifacts, "broadcast-teaser-editor.png"), fullPage: true });

    // Send: the confirmation names recipients and cost; nothing goes out before it is confirmed.
    await page.getByRole("button", { name: "Speichern und jetzt senden" }).click();
    const dialog = page.getByRole("dialog", { name: "Jetzt senden?" });
    await dialog.getByText("geht an 5 Personen").waitFor({ timeout: TIMEOUT });
    assert(/≈ €\s?\d+,\d\d/.test(await dialog.textContent()), "cost in the confirmation");
    const listed = await api("GET", "/api/broadcasts?limit=5");
    assert(listed.broadcasts.find((b) => b.title === `Wochenblatt ${run}`)?.status === "draft", "still a draft before confirming");
    await page.screenshot({ path: join(t.artifacts, "broadcast-teaser-confirm.png") });
    await dialog.getByRole("button", { name: "An 5 Personen senden" }).click();

    // Sent: 2 as text, 3 as the template.
    await page.getByTestId("status").filter({ hasText: "Gesendet" }).waitFor({ timeout: TIMEOUT });
    await poll("free-form count", async () => (await page.locator("[data-count=freeForm] dd").textContent().catch(() => null)) === "2");
    await poll("template count", async () => (await page.locator("[data-count=viaTemplate] dd").textContent().catch(() => null)) === "3");
    assert((await page.locator("[data-count=opened] dd").textContent()) === "0", "nobody tapped yet");

    // A citizen outside the window taps "Weiterlesen" on the simulator phone; the full text follows.
    const reader = citizens.find((c) => !c.inside);
    const phone = await context.newPage();
    await phone.goto(`${base}/__dev/phone#${reader.waId}`);
    const teaser = phone.locator(".msg.out", { hasText: "Brückensperre und Sommerfest" });
    await teaser.waitFor({ timeout: TIMEOUT });
    await teaser.getByRole("button", { name: "Weiterlesen" }).click();
    await phone.locator(".msg.out", { hasText: `Sommerfest ${run} am Samstag` }).waitFor({ timeout: TIMEOUT });
    await phone.screenshot({ path: join(t.artifacts, "broadcast-teaser-phone.png") });

    // The tap shows in the staff app live, without reload.
    await poll("opened count live", async () => (await page.locator("[data-count=opened] dd").textContent()) === "1");
    await page.screenshot({ path: join(t.artifacts, "broadcast-teaser-sent.png"), fullPage: true });
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } catch (err) {
    await page.screenshot({ path: join(t.artifacts, "broadcast-teaser-failure.png"), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}
