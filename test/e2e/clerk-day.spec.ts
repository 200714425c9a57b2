// The field part of a clerk's day, desk and phone: a citizen reports a vandalised bench with a photo
// and the place; the clerk at the desk marks it as a report and hands it to the Bauhof colleague
// ("Weitergeben"); the colleague, signed in on a phone, finds it under "Mir zugewiesen", sees the photo
// and the place (coordinates, OpenStreetMap, the map of reports), sets the status, sees "Bürger:in wird
// benachrichtigt" in the sheet and undoes it. No screen scrolls sideways.
import { messageWebhook as webhook, pngOf, uploadToFakeGraph } from "./support/citizen";
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { signIn } from "./support/staff";

test("clerk's day: hand a report to the Bauhof, who works on it from a phone", async ({ page, browser, server, adminApi }) => {
  const run = Date.now().toString(36);
  const errors = pageErrors(page);

  // The Bauhof colleague has an account of their own.
  const bauhof = { name: `Bauhof Gruber ${run}`, email: `bauhof.${run}@gemeinde.test`, password: "bauhof-passwort-1" };
  await adminApi.json("POST", "/api/staff", { ...bauhof, role: "agent" });

  // A citizen sends a photo of the bench and where it is.
  const waId = `43677${String(Date.now()).slice(-7)}`;
  const citizen = `Franz Leitner ${run}`;
  const photoId = await uploadToFakeGraph(server.env, pngOf(120, 90, (x, y) => (Math.abs(y - 45 - 10 * Math.sin(x / 8)) < 4 ? [30, 60, 200] : [140, 100, 60])), "bank.png");
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.day.${run}.1`, type: "image", image: { id: photoId, mime_type: "image/png", sha256: "x", caption: "Die Bank im Stadtpark ist beschmiert" } }));
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.day.${run}.2`, type: "location", location: { latitude: 48.20817, longitude: 16.37382, name: "Stadtpark", address: "Parkring 1" } }));
  let convId: string | undefined;
  await expect.poll(async () => (convId = (await adminApi.json<{ conversations: { id: string }[] }>("GET", `/api/conversations?q=${waId}`)).conversations[0]?.id), { message: "the report to arrive" }).toBeTruthy();
  await expect
    .poll(async () => (await adminApi.json<{ messages: { mediaStatus?: string }[] }>("GET", `/api/conversations/${convId}`)).messages.some((m) => m.mediaStatus === "stored"), { message: "the photo stored" })
    .toBe(true);

  // Desk: the clerk marks it as a report and hands it to the Bauhof.
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await page.locator(".conv-list a", { hasText: citizen }).click();
  await page.locator(".conv-actions").getByRole("button", { name: "Meldung" }).click();
  const panel = page.locator(".report-panel");
  await panel.getByLabel("Kategorie").selectOption("Vandalismus");
  await panel.getByRole("button", { name: "Als Meldung markieren" }).click();
  await expect(page.locator(".conv-sub .tag-report", { hasText: "Meldung: Vandalismus · Neu" })).toBeVisible();
  await page.locator(".conv-actions").getByRole("button", { name: "Weitergeben" }).click();
  const handOver = page.getByRole("dialog", { name: "An eine Kollegin oder einen Kollegen weitergeben" });
  await handOver.getByLabel("Weitergeben an").selectOption({ label: bauhof.name });
  await expectAccessible(page, "hand-over dialog");
  await handOver.getByRole("button", { name: "Weitergeben" }).click();
  await expect(handOver).toHaveCount(0);
  await expect(page.locator(".conv-list a", { hasText: citizen }).getByText(bauhof.name), "the list says who holds it now").toBeVisible();
  await expect(page.getByText(`${bauhof.name} bearbeitet dieses Gespräch.`).first()).toBeVisible();
  await expectNoSidewaysScroll(page, "conversation after handing it over (desk)");
  await screenshot(page, "clerk-day-desk-handed-over");

  // Phone: the Bauhof colleague finds it under "Mir zugewiesen".
  const phone = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const p = await phone.newPage();
    const phoneErrors = pageErrors(p);
    await p.route("https://tile.openstreetmap.org/**", (route) => route.abort());
    await signIn(p, bauhof.email, bauhof.password);
    await p.getByRole("button", { name: /Mir zugewiesen/ }).click();
    const entry = p.locator(".conv-list a", { hasText: citizen });
    await expect(entry).toBeVisible();
    await expect(p.locator(".conv-list a"), "only what was handed to me").toHaveCount(1);
    await expectNoSidewaysScroll(p, "Mir zugewiesen (phone)");
    await entry.click();

    // The photo and the place.
    const photo = p.locator(".msg-in .thumb img").first();
    await expect(photo).toBeVisible();
    await expect.poll(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth), { message: "the photo loads" }).toBeGreaterThan(0);
    await p.getByRole("button", { name: "Meldung ansehen" }).click();
    const sheet = p.locator(".report-panel");
    await expect(sheet.getByText("48.20817, 16.37382")).toBeVisible();
    await expect(sheet.getByRole("link", { name: /OpenStreetMap/ })).toHaveAttribute("href", /openstreetmap\.org/);
    await expectNoSidewaysScroll(p, "report sheet (phone)");

    // Status "In Bearbeitung": the news to the citizen waits in the sheet, with undo.
    await sheet.getByLabel("In Bearbeitung").check();
    const undo = sheet.locator(".undo-bar");
    await expect(undo.getByText("Bürger:in wird benachrichtigt")).toBeVisible();
    await undo.getByRole("button", { name: "Rückgängig" }).click();
    await expect(p.locator(".msg-out").getByText("Zurückgenommen, nicht gesendet")).toBeAttached();
    await expect(undo, "nothing waits any more").toHaveCount(0);
    await expect(p.locator(".conv-sub .tag-report", { hasText: "In Bearbeitung" }), "the status itself is kept").toBeVisible();
    await screenshot(p, "clerk-day-phone-sheet");
    await expectAccessible(p, "report sheet after undo (phone)");
    await sheet.getByRole("button", { name: "Schließen" }).click();

    // The map of reports on the phone shows it too.
    await p.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Meldungen" }).click();
    await expect(p.locator(".leaflet-marker-icon").first()).toBeVisible();
    await expectNoSidewaysScroll(p, "map of reports (phone)");
    await screenshot(p, "clerk-day-phone-map");
    expect(phoneErrors, "no page errors on the phone").toEqual([]);
  } finally {
    await phone.close();
  }
  expect(errors, "no page errors at the desk").toEqual([]);
});
