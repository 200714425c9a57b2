// The map of incident reports ("Meldungen") end to end: citizens send their location (and a photo)
// through the signed webhook, staff mark the conversations as reports via the API, and an agent sees
// them as Leaflet markers coloured by status and in the list beside the map; filters, a live status
// change, "Auf der Karte zeigen", the popup with photo and the way into the conversation. There is no
// internet here, so the tile server is unreachable (requests are aborted): the map must still work.
/* global FormData, Blob, getComputedStyle -- Node 22 globals, and a browser global inside evaluate callbacks */
import { join } from "node:path";
import { apiLogin, assert, messageWebhook as webhook, pngOf, poll } from "./lib.mjs";

export const title = "staff app: map of incident reports (markers, list, filters, popup, live, no tiles)";

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


/** A real 120×90 PNG (grey wall with a red scrawl), as a citizen's photo of the damage. */
function damagePng() {
  return pngOf(120, 90, (x, y) => (Math.abs(y - 45 - 15 * Math.sin(x / 9)) < 4 ? [200, 30, 40] : [170, 170, 165]));
}

/** The citizen's phone uploads the photo to WhatsApp (the simulator's fake Graph API). */
async function uploadPhoto(env) {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", "image/png");
  form.set("file", new Blob([damagePng()], { type: "image/png" }), "wand.png");
  const res = await fetch(`${env.WHATSAPP_API_BASE}/${env.WHATSAPP_PHONE_NUMBER_ID}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.WHATSAPP_ACCESS_TOKEN}` },
    body: form,
  });
  assert(res.ok, `photo upload: ${res.status}`);
  return (await res.json()).id;
}

async function conversationOf(base, headers, waId) {
  return poll(`the conversation of ${waId}`, async () => (await apiCall(base, headers, "GET", `/api/conversations?q=${waId}`)).conversations[0]?.id);
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36);
  const suffix = String(Date.now()).slice(-6);
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);

  // Report 1: graffiti at the Goldenes Dachl, with a photo; stays "neu".
  const graffiti = { waId: `43650${suffix}1`, name: "Sabine Köhler", address: `Herzog-Friedrich-Straße 15 (${run})` };
  const photoId = await uploadPhoto(t.env);
  await t.signedWebhook(webhook(graffiti.waId, graffiti.name, { id: `wamid.map.${run}.1`, type: "image", image: { id: photoId, mime_type: "image/png", sha256: "x", caption: "Die Wand ist beschmiert" } }));
  await t.signedWebhook(webhook(graffiti.waId, graffiti.name, { id: `wamid.map.${run}.2`, type: "location", location: { latitude: 47.26858, longitude: 11.39325, name: "Goldenes Dachl", address: graffiti.address } }));
  const graffitiId = await conversationOf(base, admin, graffiti.waId);
  await poll("the photo stored in R2", async () => {
    const { messages } = await apiCall(base, admin, "GET", `/api/conversations/${graffitiId}`);
    return messages.some((m) => m.mediaStatus === "stored");
  });
  await apiCall(base, admin, "PATCH", `/api/conversations/${graffitiId}/report`, { category: "Vandalismus" });

  // Report 2: a pothole near the main station, now "in Bearbeitung".
  const pothole = { waId: `43650${suffix}2`, name: "Josef Unterberger", address: `Südtiroler Platz 7 (${run})` };
  await t.signedWebhook(webhook(pothole.waId, pothole.name, { id: `wamid.map.${run}.3`, type: "location", location: { latitude: 47.26333, longitude: 11.40105, name: "Hauptbahnhof", address: pothole.address } }));
  const potholeId = await conversationOf(base, admin, pothole.waId);
  await apiCall(base, admin, "PATCH", `/api/conversations/${potholeId}/report`, { category: "Straßenschaden" });
  await apiCall(base, admin, "PATCH", `/api/conversations/${potholeId}/report`, { status: "in_bearbeitung" });

  // Report 3: no location at all: only in the list.
  const noPlace = { waId: `43650${suffix}3`, name: "Maria Reiter" };
  await t.signedWebhook(webhook(noPlace.waId, noPlace.name, { id: `wamid.map.${run}.4`, type: "text", text: { body: `Im Park liegt Müll herum (${run})` } }));
  const noPlaceId = await conversationOf(base, admin, noPlace.waId);
  await apiCall(base, admin, "PATCH", `/api/conversations/${noPlaceId}/report`, { category: "Müll" });

  // An agent looks at the map (every role may).
  const agentEmail = `karte.${run}@gemeinde.test`;
  await apiCall(base, admin, "POST", "/api/staff", { email: agentEmail, name: "Klara Kartner", role: "agent", password: "karten-passwort-1" });

  const ctx = await t.browser.newContext({ viewport: { width: 1366, height: 860 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.stack ?? e.message));
    // No internet: every tile request fails, as offline. Record what the map asked for.
    const tileRequests = [];
    await page.route("https://tile.openstreetmap.org/**", (route) => {
      tileRequests.push(route.request().url());
      return route.abort("internetdisconnected");
    });

    await page.goto(`${base}/`);
    await page.getByLabel("E-Mail-Adresse").fill(agentEmail);
    await page.getByLabel("Passwort").fill("karten-passwort-1");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Meldungen" }).click();
    await page.getByRole("heading", { name: "Karte der Meldungen", level: 1 }).waitFor({ timeout: TIMEOUT });
    assert(new URL(page.url()).pathname === "/meldungen", `page URL ${page.url()}`);

    // Markers: Leaflet marker elements, one per placed report, titled and coloured by status.
    const markerOf = (address) => page.locator(`.leaflet-marker-icon.report-marker[title*="${address}"]`);
    await markerOf(graffiti.address).waitFor({ timeout: TIMEOUT });
    await markerOf(pothole.address).waitFor({ timeout: TIMEOUT });
    assert((await markerOf(graffiti.address).getAttribute("title")) === `Vandalismus – Neu – Goldenes Dachl, ${graffiti.address}`, "marker title names category, status and place");
    assert(await markerOf(graffiti.address).evaluate((el) => el.classList.contains("rs-neu")), "graffiti marker is 'neu'");
    assert(await markerOf(pothole.address).evaluate((el) => el.classList.contains("rs-in_bearbeitung")), "pothole marker is 'in Bearbeitung'");
    const apiReports = (await apiCall(base, admin, "GET", "/api/reports")).reports;
    const placed = apiReports.filter((r) => r.latitude !== null).length;
    assert((await page.locator(".leaflet-marker-icon.report-marker").count()) === placed, `one marker per placed report (${placed})`);

    // The tiles: asked from the configured server with {z}/{x}/{y} filled in; failing, the page says so and keeps working.
    await poll("tile requests", async () => tileRequests.length > 0);
    assert(tileRequests.every((u) => /^https:\/\/tile\.openstreetmap\.org\/\d+\/\d+\/\d+\.png$/.test(u)), `tile URLs: ${tileRequests.slice(0, 3).join(", ")}`);
    await page.getByText("Der Kartenhintergrund ist gerade nicht erreichbar").waitFor({ timeout: TIMEOUT });
    await page.locator(".leaflet-control-attribution a", { hasText: "OpenStreetMap" }).waitFor({ timeout: TIMEOUT });

    // The list beside the map: all three, including the one without a place.
    const list = page.getByRole("list", { name: "Liste der Meldungen" });
    const item = (text) => list.getByRole("listitem").filter({ hasText: text });
    await item(graffiti.address).getByText("Vandalismus", { exact: true }).waitFor({ timeout: TIMEOUT });
    await item(pothole.address).locator(".report-status", { hasText: "In Bearbeitung" }).waitFor({ timeout: TIMEOUT });
    await item(noPlace.name).getByText("Kein Ort angegeben", { exact: true }).waitFor({ timeout: TIMEOUT });
    assert((await item(noPlace.name).getByRole("button", { name: /Auf der Karte zeigen/ }).count()) === 0, "no map button without a place");
    assert((await list.getByRole("listitem").count()) === apiReports.length, "the list shows every report");
    await item(graffiti.address).getByRole("img", { name: `Foto von ${graffiti.name}` }).waitFor({ timeout: TIMEOUT });

    // Filters (served by GET /api/reports): status, then category; markers follow the list.
    await page.getByLabel("Status", { exact: true }).selectOption("in_bearbeitung");
    await poll("only reports in progress", async () => (await list.getByRole("listitem").count()) === apiReports.filter((r) => r.status === "in_bearbeitung").length);
    assert((await item(graffiti.address).count()) === 0, "status filter hides the new report");
    assert((await markerOf(graffiti.address).count()) === 0, "status filter hides its marker");
    await markerOf(pothole.address).waitFor({ timeout: TIMEOUT });
    await page.getByLabel("Status", { exact: true }).selectOption("");
    await page.getByLabel("Kategorie", { exact: true }).selectOption("Vandalismus");
    await poll("only vandalism", async () => (await list.getByRole("listitem").count()) === apiReports.filter((r) => r.category === "Vandalismus").length);
    await markerOf(graffiti.address).waitFor({ timeout: TIMEOUT });
    assert((await markerOf(pothole.address).count()) === 0, "category filter hides the pothole marker");
    await page.getByLabel("Kategorie", { exact: true }).selectOption("");
    await item(noPlace.name).waitFor({ timeout: TIMEOUT });

    // Live: a colleague moves the pothole to "erledigt"; marker and list follow without reload.
    await apiCall(base, admin, "PATCH", `/api/conversations/${potholeId}/report`, { status: "erledigt" });
    await poll("the marker to turn 'erledigt'", async () => markerOf(pothole.address).evaluate((el) => el.classList.contains("rs-erledigt")));
    await item(pothole.address).locator(".report-status", { hasText: "Erledigt" }).waitFor({ timeout: TIMEOUT });

    // Keyboard path: "Auf der Karte zeigen" from the list opens the marker's popup.
    await item(pothole.address).getByRole("button", { name: /Auf der Karte zeigen/ }).focus();
    await page.keyboard.press("Enter");
    // (While one popup fades out and the next fades in, there are briefly two.)
    const popupOf = (address) => page.locator(".leaflet-popup", { hasText: address });
    await popupOf(pothole.address).getByText("Straßenschaden", { exact: true }).waitFor({ timeout: TIMEOUT });
    assert(await markerOf(pothole.address).evaluate((el) => el.classList.contains("is-selected")), "the marker shows it is selected");

    // A click on a marker: popup with category, status, place and the photo thumbnail.
    await markerOf(graffiti.address).click();
    const popup = popupOf(graffiti.address);
    await popup.waitFor({ timeout: TIMEOUT });
    await popup.getByText("Vandalismus", { exact: true }).waitFor({ timeout: TIMEOUT });
    await popup.locator(".report-status", { hasText: "Neu" }).waitFor({ timeout: TIMEOUT });
    const thumb = popup.getByRole("img", { name: `Foto von ${graffiti.name}` });
    await poll("the photo thumbnail to load", async () => thumb.evaluate((img) => img.complete && img.naturalWidth === 120));
    assert((await item(graffiti.address).getAttribute("class")).includes("is-selected"), "the list marks the clicked marker's report");
    await poll("the popup to finish fading in", async () => (await page.locator(".leaflet-popup").count()) === 1 && (await popup.evaluate((el) => getComputedStyle(el).opacity)) === "1");
    await page.screenshot({ path: join(t.artifacts, "reports-map.png") });

    // From the popup into the conversation in the inbox.
    await popup.getByRole("link", { name: "Gespräch öffnen" }).click();
    await page.getByRole("heading", { name: graffiti.name, level: 2 }).waitFor({ timeout: TIMEOUT });
    assert(new URL(page.url()).pathname === `/gespraeche/${graffitiId}`, `conversation URL ${page.url()}`);
    await page.locator(".conv-sub .tag-report", { hasText: "Vandalismus" }).waitFor({ timeout: TIMEOUT });

    // Back to the map; the list's own link opens a conversation too (also without a place).
    await page.goBack();
    await item(noPlace.name).getByRole("link", { name: /Gespräch öffnen/ }).click();
    await page.getByRole("heading", { name: noPlace.name, level: 2 }).waitFor({ timeout: TIMEOUT });

    // Narrow screen (tablet portrait): map above, list below, both usable.
    await page.setViewportSize({ width: 760, height: 1000 });
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Meldungen" }).click();
    await markerOf(graffiti.address).waitFor({ timeout: TIMEOUT });
    await item(noPlace.name).waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "reports-map-narrow.png") });

    assert(errors.length === 0, `browser errors: ${errors.join("; ")}`);
  } finally {
    await ctx.close();
  }
}
