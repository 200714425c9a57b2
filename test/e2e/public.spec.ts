// Public channels end to end: an editor ticks "Öffentlich" in the channel dialog (with its German
// explanation), the info screen /anzeige is open on a "screen" and shows a new alert on top without
// reload, never shows a broadcast to an internal channel, and drops the channel's broadcasts live when
// the channel is made non-public again. Also: the Atom feed and the phone-sized screen (no sideways scroll).
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import type { StaffApi } from "./support/staff";
import { goToPage, signIn } from "./support/staff";

/** Creates a broadcast and sends it; returns its id. */
async function sendBroadcast(api: StaffApi, body: { title: string; kind: "newsletter" | "alert"; text: string; channelIds: string[] }): Promise<string> {
  const { broadcast } = await api.json<{ broadcast: { id: string } }>("POST", "/api/broadcasts", body);
  await api.json("POST", `/api/broadcasts/${broadcast.id}/send`);
  return broadcast.id;
}

test("public channels: toggle in the channel dialog, /anzeige updates live, feeds only public", async ({ page, browser, server, adminApi, request }) => {
  const run = Date.now().toString(36).slice(-4);
  const publicName = `Gemeindeinfo ${run}`;
  const errors = pageErrors(page);
  const { channel: internal } = await adminApi.json<{ channel: { id: string } }>("POST", "/api/channels", { name: `Bauhof intern ${run}` });

  // The editor makes a public channel in the dialog; the explanation is there in German.
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Kanäle & Abonnenten");
  await page.getByRole("button", { name: "Neuer Kanal" }).click();
  const dialog = page.getByRole("dialog", { name: "Neuer Kanal" });
  await dialog.getByLabel("Name").fill(publicName);
  await expect(dialog.getByText("Aussendungen dieses Kanals erscheinen auf der Website und der Anzeige")).toBeVisible();
  await dialog.getByLabel("Öffentlich").check();
  await expectAccessible(page, "channels: new channel dialog");
  await dialog.getByRole("button", { name: "Anlegen" }).click();
  const row = page.getByRole("row").filter({ hasText: publicName });
  await expect(row, "the row shows the channel is public").toContainText("Öffentlich");
  const channelId = await row.getAttribute("data-channel");
  expect(channelId, "the row names its channel").toBeTruthy();
  if (!channelId) return;
  await row.getByRole("button", { name: `Bearbeiten: ${publicName}` }).click();
  const editDialog = page.getByRole("dialog", { name: "Kanal bearbeiten" });
  await expect(editDialog.getByText(`/feed/${channelId}.atom`)).toBeVisible();
  await screenshot(page, "public-channel-dialog");
  await expectAccessible(page, "channels: edit channel dialog");
  await editDialog.getByRole("button", { name: "Abbrechen" }).click();

  const screenContext = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1920, height: 1080 } });
  try {
    // The info screen is open before anything is sent.
    const screen = await screenContext.newPage();
    await screen.goto("/anzeige?sekunden=2");
    await expect(screen.getByText("Derzeit keine Mitteilungen.")).toBeVisible();
    await expectAccessible(screen, "anzeige: empty");

    const newsId = await sendBroadcast(adminApi, { title: `Neue Öffnungszeiten ${run}`, kind: "newsletter", text: "Das Gemeindeamt hat ab Montag bis 18 Uhr offen.", channelIds: [channelId] });
    await expect(screen.locator(`[data-id="${newsId}"]`)).toBeVisible();
    const alertId = await sendBroadcast(adminApi, { title: `Hochwasserwarnung ${run}`, kind: "alert", text: "Bitte Keller räumen.\nDer Pegel steigt.", channelIds: [channelId] });
    await sendBroadcast(adminApi, { title: `Nur intern ${run}`, kind: "newsletter", text: "Bauhof: Dienstplan", channelIds: [internal.id] });
    await sendBroadcast(adminApi, { title: `Gemischt ${run}`, kind: "newsletter", text: "Geht an beide", channelIds: [channelId, internal.id] });

    // The alert appears on top, without reload, and large.
    const top = screen.locator("#items > .card").first();
    await expect(top, "the alert on top of the screen").toHaveAttribute("data-id", alertId);
    await expect(top, "the alert is styled as one").toHaveClass(/\bis-alert\b/);
    const size = await top.locator("h2").evaluate((h) => parseFloat(window.getComputedStyle(h).fontSize));
    expect(size, "the alert's title is readable from across a room (px)").toBeGreaterThanOrEqual(60);
    // One more poll of the screen after the alert: the internal ones must still be absent.
    await screen.waitForResponse((r) => new URL(r.url()).pathname === "/feed.json");
    await screen.waitForResponse((r) => new URL(r.url()).pathname === "/feed.json");
    const items = screen.locator("#items");
    await expect(items).toContainText(`Hochwasserwarnung ${run}`);
    await expect(items, "no internal broadcast on the screen").not.toContainText("Nur intern");
    await expect(items, "no broadcast that also went to an internal channel").not.toContainText("Gemischt");
    await expect(screen.locator("#status"), "the screen says when it was updated").toHaveText(/^Stand:/);
    await screenshot(screen, "anzeige-alert");
    await expectAccessible(screen, "anzeige: alert");

    // The Atom feed has the same two entries and nothing internal.
    const atom = await (await request.get("/feed.atom")).text();
    expect(atom, "the alert in the Atom feed").toContain(`urn:townwire:broadcast:${alertId}`);
    expect(atom, "the newsletter in the Atom feed").toContain(`urn:townwire:broadcast:${newsId}`);
    expect(atom, "no internal broadcast in the feed").not.toContain("Nur intern");
    expect(atom, "no mixed broadcast in the feed").not.toContain("Gemischt");

    // A phone-sized screen: no sideways scrolling.
    const phone = await screenContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto("/anzeige?sekunden=2");
    await expect(phone.locator(`[data-id="${alertId}"]`)).toBeVisible();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "no sideways scroll at 390 px").toBeLessThanOrEqual(0);
    await expectNoSidewaysScroll(phone, "anzeige at 390 px");
    await screenshot(phone, "anzeige-phone");
    await expectAccessible(phone, "anzeige: phone");
    await phone.close();

    // Unticking "Öffentlich" takes the channel's broadcasts off the screen, live.
    await row.getByRole("button", { name: `Bearbeiten: ${publicName}` }).click();
    await editDialog.getByLabel("Öffentlich").uncheck();
    await editDialog.getByRole("button", { name: "Speichern" }).click();
    await expect(row, "the row without the public tag").not.toContainText("Öffentlich");
    await expect(screen.getByText("Derzeit keine Mitteilungen.")).toBeVisible();
  } finally {
    await screenContext.close();
  }
  expect(errors, "no page errors").toEqual([]);
});
