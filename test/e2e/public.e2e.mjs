// Public channels end to end: an editor ticks "Öffentlich" in the channel dialog (with its German
// explanation), the info screen /anzeige is open on a "screen" and shows a new alert on top without
// reload, never shows a broadcast to an internal channel, and drops the channel's broadcasts live when
// the channel is made non-public again. Also: the Atom feed and the phone-sized screen (no sideways scroll).
/* global document, window */
import { join } from "node:path";
import { apiLogin, assert, poll } from "./lib.mjs";

export const title = "public channels: toggle in the channel dialog, /anzeige updates live, feeds only public";

const TIMEOUT = 15_000;

async function apiCall(base, headers, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => null);
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function sendBroadcast(base, headers, body) {
  const { broadcast } = await apiCall(base, headers, "POST", "/api/broadcasts", body);
  await apiCall(base, headers, "POST", `/api/broadcasts/${broadcast.id}/send`);
  return broadcast.id;
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36).slice(-4);
  const publicName = `Gemeindeinfo ${run}`;
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const { channel: internal } = await apiCall(base, admin, "POST", "/api/channels", { name: `Bauhof intern ${run}` });

  const context = await t.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const staffPage = await context.newPage();
  const screenContext = await t.browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const screen = await screenContext.newPage();
  try {
    // The editor makes a public channel in the dialog; the explanation is there in German.
    await staffPage.goto(`${base}/`);
    await staffPage.locator("input[type=email]").fill(t.env.ADMIN_EMAIL);
    await staffPage.locator("input[type=password]").fill(t.env.ADMIN_PASSWORD);
    await staffPage.locator("button[type=submit]").click();
    await staffPage.getByRole("link", { name: "Kanäle & Abonnenten" }).click();
    await staffPage.getByRole("button", { name: "Neuer Kanal" }).click();
    const dialog = staffPage.getByRole("dialog", { name: "Neuer Kanal" });
    await dialog.getByLabel("Name").fill(publicName);
    await dialog.getByText("Aussendungen dieses Kanals erscheinen auf der Website und der Anzeige").waitFor({ timeout: TIMEOUT });
    await dialog.getByLabel("Öffentlich").check();
    await dialog.getByRole("button", { name: "Anlegen" }).click();
    const row = staffPage.getByRole("row").filter({ hasText: publicName });
    await row.waitFor({ timeout: TIMEOUT });
    assert((await row.textContent()).includes("Öffentlich"), "the row shows the channel is public");
    const channelId = await row.getAttribute("data-channel");
    await row.getByRole("button", { name: `Bearbeiten: ${publicName}` }).click();
    const editDialog = staffPage.getByRole("dialog", { name: "Kanal bearbeiten" });
    await editDialog.getByText(`/feed/${channelId}.atom`).waitFor({ timeout: TIMEOUT });
    await staffPage.screenshot({ path: join(t.artifacts, "public-channel-dialog.png") });
    await editDialog.getByRole("button", { name: "Abbrechen" }).click();

    // The info screen is open before anything is sent.
    await screen.goto(`${base}/anzeige?sekunden=2`);
    await screen.getByText("Derzeit keine Mitteilungen.").waitFor({ timeout: TIMEOUT });

    const newsId = await sendBroadcast(base, admin, { title: `Neue Öffnungszeiten ${run}`, kind: "newsletter", text: "Das Gemeindeamt hat ab Montag bis 18 Uhr offen.", channelIds: [channelId] });
    await screen.locator(`[data-id="${newsId}"]`).waitFor({ timeout: TIMEOUT });
    const alertId = await sendBroadcast(base, admin, { title: `Hochwasserwarnung ${run}`, kind: "alert", text: "Bitte Keller räumen.\nDer Pegel steigt.", channelIds: [channelId] });
    await sendBroadcast(base, admin, { title: `Nur intern ${run}`, kind: "newsletter", text: "Bauhof: Dienstplan", channelIds: [internal.id] });
    await sendBroadcast(base, admin, { title: `Gemischt ${run}`, kind: "newsletter", text: "Geht an beide", channelIds: [channelId, internal.id] });

    // The alert appears on top, without reload, and large.
    const top = screen.locator("#items > .card").first();
    await poll("the alert on top of the screen", async () => (await top.getAttribute("data-id")) === alertId);
    assert((await top.getAttribute("class")).includes("is-alert"), "the alert is styled as one");
    const size = await top.locator("h2").evaluate((h) => parseFloat(window.getComputedStyle(h).fontSize));
    assert(size >= 60, `the alert's title is readable from across a room (${size}px)`);
    await screen.waitForTimeout(2_500); // one more poll: the internal ones must still be absent
    const shown = await screen.locator("#items").textContent();
    assert(!shown.includes("Nur intern") && !shown.includes("Gemischt"), `internal broadcasts on the screen: ${shown}`);
    assert((await screen.locator("#status").textContent()).startsWith("Stand:"), "the screen says when it was updated");
    await screen.screenshot({ path: join(t.artifacts, "anzeige-alert.png") });

    // The Atom feed has the same two entries and nothing internal.
    const atom = await (await fetch(`${base}/feed.atom`)).text();
    assert(atom.includes(`urn:townwire:broadcast:${alertId}`) && atom.includes(`urn:townwire:broadcast:${newsId}`), "both entries in the Atom feed");
    assert(!atom.includes("Nur intern") && !atom.includes("Gemischt"), "no internal broadcast in the feed");

    // A phone-sized screen: no sideways scrolling.
    const phone = await screenContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/anzeige?sekunden=2`);
    await phone.locator(`[data-id="${alertId}"]`).waitFor({ timeout: TIMEOUT });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `no sideways scroll at 390 px (${overflow}px)`);
    await phone.screenshot({ path: join(t.artifacts, "anzeige-phone.png") });
    await phone.close();

    // Unticking "Öffentlich" takes the channel's broadcasts off the screen, live.
    await row.getByRole("button", { name: `Bearbeiten: ${publicName}` }).click();
    await editDialog.getByLabel("Öffentlich").uncheck();
    await editDialog.getByRole("button", { name: "Speichern" }).click();
    await poll("the row without the public tag", async () => !(await row.textContent()).includes("Öffentlich"));
    await screen.getByText("Derzeit keine Mitteilungen.").waitFor({ timeout: TIMEOUT });
  } finally {
    await context.close();
    await screenContext.close();
  }
}
