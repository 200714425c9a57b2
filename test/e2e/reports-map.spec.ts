// The map of incident reports ("Meldungen") end to end: citizens send their location (and a photo)
// through the signed webhook, staff mark the conversations as reports via the API, and an agent sees
// them as Leaflet markers coloured by status and in the list beside the map; filters, a live status
// change, "Auf der Karte zeigen", the popup with photo and the way into the conversation. There is no
// internet here, so the tile server is unreachable (requests are aborted): the map must still work.
import { messageWebhook as webhook, pngOf, uploadToFakeGraph } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import type { StaffApi } from "./support/staff";
import { goToPage, signIn } from "./support/staff";

/** A real 120×90 PNG (grey wall with a red scrawl), as a citizen's photo of the damage. */
function damagePng() {
  return pngOf(120, 90, (x, y) => (Math.abs(y - 45 - 15 * Math.sin(x / 9)) < 4 ? [200, 30, 40] : [170, 170, 165]));
}

interface Report {
  status: string;
  category: string | null;
  latitude: number | null;
}

async function conversationOf(api: StaffApi, waId: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      id = (await api.json<{ conversations: { id: string }[] }>("GET", `/api/conversations?q=${waId}`)).conversations[0]?.id;
      return id;
    }, { message: `the conversation of ${waId}` })
    .toBeTruthy();
  return id ?? "";
}

test("staff app: map of incident reports (markers, list, filters, popup, live, no tiles)", async ({ page, server, adminApi }) => {
  const run = Date.now().toString(36);
  const suffix = String(Date.now()).slice(-6);
  const setReport = (id: string, body: object) => adminApi.json("PATCH", `/api/conversations/${id}/report`, body);

  // Report 1: graffiti at the Goldenes Dachl, with a photo; stays "neu".
  const graffiti = { waId: `43650${suffix}1`, name: "Sabine Köhler", address: `Herzog-Friedrich-Straße 15 (${run})` };
  const photoId = await uploadToFakeGraph(server.env, damagePng(), "wand.png");
  await server.signedWebhook(webhook(graffiti.waId, graffiti.name, { id: `wamid.map.${run}.1`, type: "image", image: { id: photoId, mime_type: "image/png", sha256: "x", caption: "Die Wand ist beschmiert" } }));
  await server.signedWebhook(webhook(graffiti.waId, graffiti.name, { id: `wamid.map.${run}.2`, type: "location", location: { latitude: 47.26858, longitude: 11.39325, name: "Goldenes Dachl", address: graffiti.address } }));
  const graffitiId = await conversationOf(adminApi, graffiti.waId);
  await expect
    .poll(async () => (await adminApi.json<{ messages: { mediaStatus?: string }[] }>("GET", `/api/conversations/${graffitiId}`)).messages.some((m) => m.mediaStatus === "stored"), { message: "the photo stored in R2" })
    .toBe(true);
  await setReport(graffitiId, { category: "Vandalismus" });

  // Report 2: a pothole near the main station, now "in Bearbeitung".
  const pothole = { waId: `43650${suffix}2`, name: "Josef Unterberger", address: `Südtiroler Platz 7 (${run})` };
  await server.signedWebhook(webhook(pothole.waId, pothole.name, { id: `wamid.map.${run}.3`, type: "location", location: { latitude: 47.26333, longitude: 11.40105, name: "Hauptbahnhof", address: pothole.address } }));
  const potholeId = await conversationOf(adminApi, pothole.waId);
  await setReport(potholeId, { category: "Straßenschaden" });
  await setReport(potholeId, { status: "in_bearbeitung" });

  // Report 3: no location at all: only in the list.
  const noPlace = { waId: `43650${suffix}3`, name: "Maria Reiter" };
  await server.signedWebhook(webhook(noPlace.waId, noPlace.name, { id: `wamid.map.${run}.4`, type: "text", text: { body: `Im Park liegt Müll herum (${run})` } }));
  const noPlaceId = await conversationOf(adminApi, noPlace.waId);
  await setReport(noPlaceId, { category: "Müll" });

  // An agent looks at the map (every role may).
  const agentEmail = `karte.${run}@gemeinde.test`;
  await adminApi.json("POST", "/api/staff", { email: agentEmail, name: "Klara Kartner", role: "agent", password: "karten-passwort-1" });

  const errors = pageErrors(page);
  // No internet: every tile request fails, as offline. Record what the map asked for.
  const tileRequests: string[] = [];
  await page.route("https://tile.openstreetmap.org/**", (route) => {
    tileRequests.push(route.request().url());
    return route.abort("internetdisconnected");
  });

  await signIn(page, agentEmail, "karten-passwort-1");
  await expect(page.locator('.conn[data-state="live"]')).toBeVisible();
  await goToPage(page, "Meldungen");
  await expect(page.getByRole("heading", { name: "Karte der Meldungen", level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/meldungen");

  // Markers: Leaflet marker elements, one per placed report, titled and coloured by status.
  const markerOf = (address: string) => page.locator(`.leaflet-marker-icon.report-marker[title*="${address}"]`);
  await expect(markerOf(graffiti.address)).toBeVisible();
  await expect(markerOf(pothole.address)).toBeVisible();
  await expect(markerOf(graffiti.address), "marker title names category, status and place").toHaveAttribute("title", `Vandalismus – Neu – Goldenes Dachl, ${graffiti.address}`);
  await expect(markerOf(graffiti.address), "graffiti marker is 'neu'").toContainClass("rs-neu");
  await expect(markerOf(pothole.address), "pothole marker is 'in Bearbeitung'").toContainClass("rs-in_bearbeitung");
  const apiReports = (await adminApi.json<{ reports: Report[] }>("GET", "/api/reports")).reports;
  const placed = apiReports.filter((r) => r.latitude !== null).length;
  await expect(page.locator(".leaflet-marker-icon.report-marker"), "one marker per placed report").toHaveCount(placed);

  // The tiles: asked from the configured server with {z}/{x}/{y} filled in; failing, the page says so and keeps working.
  await expect.poll(() => tileRequests.length, { message: "tile requests" }).toBeGreaterThan(0);
  for (const url of tileRequests) expect(url, "tile URL").toMatch(/^https:\/\/tile\.openstreetmap\.org\/\d+\/\d+\/\d+\.png$/);
  await expect(page.getByText("Der Kartenhintergrund ist gerade nicht erreichbar")).toBeVisible();
  await expect(page.locator(".leaflet-control-attribution a", { hasText: "OpenStreetMap" })).toBeVisible();

  // The list beside the map: all three, including the one without a place.
  const list = page.getByRole("list", { name: "Liste der Meldungen" });
  const item = (text: string) => list.getByRole("listitem").filter({ hasText: text });
  await expect(item(graffiti.address).getByText("Vandalismus", { exact: true })).toBeVisible();
  await expect(item(pothole.address).locator(".report-status", { hasText: "In Bearbeitung" })).toBeVisible();
  await expect(item(noPlace.name).getByText("Kein Ort angegeben", { exact: true })).toBeVisible();
  await expect(item(noPlace.name).getByRole("button", { name: /Auf der Karte zeigen/ }), "no map button without a place").toHaveCount(0);
  await expect(list.getByRole("listitem"), "the list shows every report").toHaveCount(apiReports.length);
  await expect(item(graffiti.address).getByRole("img", { name: `Foto von ${graffiti.name}` })).toBeVisible();
  await expectAccessible(page, "map of reports");

  // Filters (served by GET /api/reports): status, then category; markers follow the list.
  await page.getByLabel("Status", { exact: true }).selectOption("in_bearbeitung");
  await expect(list.getByRole("listitem"), "only reports in progress").toHaveCount(apiReports.filter((r) => r.status === "in_bearbeitung").length);
  await expect(item(graffiti.address), "status filter hides the new report").toHaveCount(0);
  await expect(markerOf(graffiti.address), "status filter hides its marker").toHaveCount(0);
  await expect(markerOf(pothole.address)).toBeVisible();
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.getByLabel("Kategorie", { exact: true }).selectOption("Vandalismus");
  await expect(list.getByRole("listitem"), "only vandalism").toHaveCount(apiReports.filter((r) => r.category === "Vandalismus").length);
  await expect(markerOf(graffiti.address)).toBeVisible();
  await expect(markerOf(pothole.address), "category filter hides the pothole marker").toHaveCount(0);
  await page.getByLabel("Kategorie", { exact: true }).selectOption("");
  await expect(item(noPlace.name)).toBeVisible();

  // Live: a colleague moves the pothole to "erledigt"; marker and list follow without reload.
  await setReport(potholeId, { status: "erledigt" });
  await expect(markerOf(pothole.address), "the marker turns 'erledigt'").toContainClass("rs-erledigt");
  await expect(item(pothole.address).locator(".report-status", { hasText: "Erledigt" })).toBeVisible();

  // Keyboard path: "Auf der Karte zeigen" from the list opens the marker's popup.
  await item(pothole.address).getByRole("button", { name: /Auf der Karte zeigen/ }).focus();
  await page.keyboard.press("Enter");
  // (While one popup fades out and the next fades in, there are briefly two.)
  const popupOf = (address: string) => page.locator(".leaflet-popup", { hasText: address });
  await expect(popupOf(pothole.address).getByText("Straßenschaden", { exact: true })).toBeVisible();
  await expect(markerOf(pothole.address), "the marker shows it is selected").toContainClass("is-selected");

  // A click on a marker: popup with category, status, place and the photo thumbnail.
  await markerOf(graffiti.address).click();
  const popup = popupOf(graffiti.address);
  await expect(popup).toBeVisible();
  await expect(popup.getByText("Vandalismus", { exact: true })).toBeVisible();
  await expect(popup.locator(".report-status", { hasText: "Neu" })).toBeVisible();
  const thumb = popup.getByRole("img", { name: `Foto von ${graffiti.name}` });
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 120), { message: "the photo thumbnail loads" }).toBe(true);
  await expect(item(graffiti.address), "the list marks the clicked marker's report").toContainClass("is-selected");
  await expect(page.locator(".leaflet-popup"), "the other popup has faded out").toHaveCount(1);
  await expect(popup, "the popup has faded in").toHaveCSS("opacity", "1");
  await screenshot(page, "reports-map");
  await expectAccessible(page, "map with popup");

  // From the popup into the conversation in the inbox.
  await popup.getByRole("link", { name: "Gespräch öffnen" }).click();
  await expect(page.getByRole("heading", { name: graffiti.name, level: 2 })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(`/gespraeche/${graffitiId}`);
  await expect(page.locator(".conv-sub .tag-report", { hasText: "Vandalismus" })).toBeVisible();

  // Back to the map; the list's own link opens a conversation too (also without a place).
  await page.goBack();
  await item(noPlace.name).getByRole("link", { name: /Gespräch öffnen/ }).click();
  await expect(page.getByRole("heading", { name: noPlace.name, level: 2 })).toBeVisible();

  // Narrow screen (tablet portrait): map above, list below, both usable.
  // (Navigate first: on a narrow screen an open report panel is a sheet over the navigation.)
  await goToPage(page, "Meldungen");
  await page.setViewportSize({ width: 760, height: 1000 });
  await expect(markerOf(graffiti.address)).toBeVisible();
  await expect(item(noPlace.name)).toBeVisible();
  await screenshot(page, "reports-map-narrow");

  expect(errors, "browser errors").toEqual([]);
});
