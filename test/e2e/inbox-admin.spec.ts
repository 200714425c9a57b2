// The staff app end to end, second part: an admin manages the team (invite, disable), answers a
// citizen whose 24-hour window has closed (the free-text box is replaced by the template picker
// before anyone types) and marks the conversation as an incident report with the location the
// citizen sent; changing the report status notifies the citizen on WhatsApp. Finally the access
// token "expires" (simulator switch): a reply fails with error 190 and the admin alert banner
// appears live, stays on every page, and goes away with "Erledigt".
import { messageWebhook as webhook, phoneMessages } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

test("staff app: team management, template outside the 24-hour window, incident report, admin alert", async ({ page, server, request }) => {
  const run = Date.now().toString(36);
  const errors = pageErrors(page);
  const sentToPhone = async (waId: string) => (await phoneMessages(server.baseUrl, waId)).filter((m) => m.direction === "out");

  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await expect(page.locator('.conn[data-state="live"]')).toBeVisible();

  // Team: invite an editor, then disable the account; the person can no longer sign in.
  await goToPage(page, "Team");
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Person hinzufügen" }).click();
  const invite = page.getByRole("dialog", { name: "Person hinzufügen" });
  const email = `lukas.${run}@gemeinde.test`;
  await invite.getByLabel("Name").fill("Lukas Gruber");
  await invite.getByLabel("E-Mail-Adresse").fill(email);
  await invite.getByLabel("Rolle").selectOption("editor");
  await invite.getByLabel("Erstes Passwort").fill("lukas-passwort-1");
  await expectAccessible(page, "team: invite dialog");
  await invite.getByRole("button", { name: "Hinzufügen" }).click();
  await expect(page.getByText("Lukas Gruber wurde hinzugefügt.")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row.getByLabel("Rolle von Lukas Gruber"), "invited as editor").toHaveValue("editor");
  const loginLukas = () => request.post("/api/auth/login", { headers: { origin: server.baseUrl }, data: { email, password: "lukas-passwort-1" } });
  expect((await loginLukas()).status(), "the invited person can sign in").toBe(200);
  await row.getByRole("button", { name: "Deaktivieren" }).click();
  await page.getByRole("dialog", { name: "Zugang deaktivieren?" }).getByRole("button", { name: "Deaktivieren" }).click();
  await expect(row.getByText("Deaktiviert")).toBeVisible();
  expect((await loginLukas()).status(), "a disabled person cannot sign in").toBe(401);

  // Report categories are the admin's to configure: add one.
  const cats = page.getByLabel("Kategorien", { exact: true });
  await expect(cats, "the category list").not.toHaveValue("");
  await cats.fill(`${await cats.inputValue()}\nSpielplatz`);
  await page.getByRole("button", { name: "Kategorien speichern" }).click();
  await expect(page.getByText("Kategorien gespeichert.")).toBeVisible();
  await screenshot(page, "inbox-team", { fullPage: true });
  await expectAccessible(page, "team");

  // Approved templates come from the (fake) Graph API.
  const sync = await page.evaluate(async () => (await fetch("/api/templates/sync", { method: "POST" })).status);
  expect(sync, "template sync").toBe(200);

  // A citizen wrote 30 hours ago, with the place of the problem: the window is closed.
  const waId = `43676${String(Date.now()).slice(-7)}`;
  const citizen = "Helga Schuster";
  const then = Math.floor(Date.now() / 1000) - 30 * 3600;
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.adm.${run}.1`, timestamp: String(then), type: "text", text: { body: "Die Straßenlaterne vor dem Gemeindeamt ist seit Tagen dunkel." } }));
  await server.signedWebhook(webhook(waId, citizen, { id: `wamid.adm.${run}.2`, timestamp: String(then + 20), type: "location", location: { latitude: 48.204817, longitude: 15.624612, name: "Gemeindeamt", address: "Rathausplatz 1" } }));

  // Enough conversations for a second page: the list loads more when scrolled to the end.
  for (let i = 0; i < 32; i++) {
    const n = String(i).padStart(2, "0");
    await server.signedWebhook(webhook(`436990000${n}`, `Bürger ${n}`, { id: `wamid.adm.${run}.many${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `Frage Nummer ${n}` } }));
  }
  await goToPage(page, "Posteingang");
  const items = page.locator(".conv-list a");
  await expect(items, "the first page of the list").toHaveCount(30);
  await items.last().scrollIntoViewIfNeeded();
  await expect.poll(() => items.count(), { message: "the next page after scrolling" }).toBeGreaterThanOrEqual(32);
  const search = page.getByLabel("Gespräche durchsuchen");
  await expect(search).toBeVisible();
  await page.keyboard.press("/");
  await expect(search, "/ jumps to the search").toBeFocused();
  await page.keyboard.type(waId);
  await expect(page.locator(".conv-list a"), "the search finds exactly this citizen by number").toHaveCount(1);
  const link = page.locator(".conv-list a", { hasText: citizen });
  await expect(link).toBeVisible();
  await expect(link.getByText("Nur Vorlage")).toBeVisible();
  await link.click();
  await expect(page.getByRole("heading", { name: citizen, level: 2 })).toBeVisible();

  // The location is shown with coordinates and a link to OpenStreetMap.
  const osm = page.locator(".msg-in .location").getByRole("link", { name: /Auf OpenStreetMap ansehen/ });
  await expect(osm, "OSM link").toHaveAttribute("href", "https://www.openstreetmap.org/?mlat=48.204817&mlon=15.624612#map=18/48.204817/15.624612");
  await expect(page.locator(".msg-in .location").getByText("48.20482, 15.62461")).toBeVisible();

  // Outside the window: no free-text box at all, the template picker instead.
  await expect(page.getByText("Das 24-Stunden-Fenster ist geschlossen")).toBeVisible();
  await expect(page.locator(".reply textarea"), "no free-text box outside the window").toHaveCount(0);
  const picker = page.getByLabel("Genehmigte Vorlage");
  const approved = () => picker.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  await expect.poll(async () => (await approved()).length, { message: "approved templates in the picker" }).toBeGreaterThan(0);
  const options = await approved();
  const withParam = options.find((v) => v.startsWith("meldung_status|")) ?? options[0] ?? "";
  await picker.selectOption(withParam);
  await expectAccessible(page, "conversation outside the 24-hour window");
  const params = page.locator(".template-picker input");
  for (let i = 0; i < (await params.count()); i++) await params.nth(i).fill("Die Laterne wird morgen repariert.");
  await page.getByRole("button", { name: "Vorlage senden" }).click();
  await expect(page.locator(".msg-out", { hasText: "Die Laterne wird morgen repariert." })).toBeVisible();
  await expect.poll(async () => (await sentToPhone(waId)).some((m) => m.type === "template"), { message: "the template at the simulated phone" }).toBe(true);

  // Incident report: category, location taken from the citizen's message, status change informs the citizen.
  await page.locator(".conv-actions").getByRole("button", { name: "Meldung" }).click();
  const panel = page.locator(".report-panel");
  await expect(panel.getByRole("button", { name: "Als Meldung markieren" })).toBeVisible();
  const category = "Spielplatz";
  await expect
    .poll(() => panel.getByLabel("Kategorie").locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), { message: "the new report category in the panel" })
    .toContain(category);
  await panel.getByLabel("Kategorie").selectOption(category);
  await panel.getByRole("button", { name: "Als Meldung markieren" }).click();
  await expect(page.locator(".conv-sub .tag-report", { hasText: `Meldung: ${category} · Neu` })).toBeVisible();
  await expect(panel.getByText("48.20482, 15.62461")).toBeVisible();
  const before = (await sentToPhone(waId)).length;
  await panel.getByLabel("In Bearbeitung").check();
  await expect(page.locator(".conv-sub .tag-report", { hasText: "In Bearbeitung" })).toBeVisible();
  await expect(page.locator(".conv-list a", { hasText: citizen }).locator(".tag-report", { hasText: "In Bearbeitung" })).toBeVisible();
  // The news waits 10 s for a possible undo (docs/outreach-and-answers.md) before it goes out.
  await expect(page.locator(".msg-out").getByText("Bürger:in wird benachrichtigt").first()).toBeVisible();
  await expect.poll(async () => (await sentToPhone(waId)).length, { message: "the status notice at the simulated phone", timeout: 40_000 }).toBeGreaterThan(before);
  await screenshot(page, "inbox-report");
  await expectAccessible(page, "report panel");

  // Admin alert: Meta invalidates the access token (simulated); the next reply fails with Graph error
  // 190, and every admin sees a red banner at once, on every page, until someone presses "Erledigt".
  const alerts = page.getByRole("region", { name: "Hinweise für die Administration" });
  await expect(alerts, "no alert banner before anything went wrong").toHaveCount(0);
  const setTokenExpired = (expired: boolean) => request.post("/__dev/api/access-token", { data: { expired } });
  expect((await setTokenExpired(true)).ok(), "the simulator expires the access token").toBe(true);
  try {
    await page.getByLabel("Gespräche durchsuchen").fill("436990000");
    await page.locator(".conv-list a", { hasText: "Bürger 31" }).click();
    await expect(page.getByRole("heading", { name: "Bürger 31", level: 2 })).toBeVisible();
    await page.getByLabel("Antwort an Bürger 31").fill("Das Freibad öffnet am 1. Juni.");
    await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
    await expect(page.locator(".msg-out", { hasText: "Das Freibad öffnet am 1. Juni." }).getByText("Fehlgeschlagen")).toBeVisible();
    await expect(alerts.getByRole("alert").getByText("Zugangsschlüssel (Access Token) ist ungültig oder abgelaufen")).toBeVisible();
    // A second failure does not add a second banner (one per kind).
    await page.getByLabel("Antwort an Bürger 31").fill("Öffnungszeiten: 9 bis 19 Uhr.");
    await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
    await expect(page.locator(".msg-out", { hasText: "Öffnungszeiten: 9 bis 19 Uhr." }).getByText("Fehlgeschlagen")).toBeVisible();
    await expect(alerts.getByRole("alert"), "the same kind of alert is shown once").toHaveCount(1);
  } finally {
    await setTokenExpired(false);
  }
  // It stays on every page and after a reload (loaded from GET /api/alerts).
  await goToPage(page, "Team");
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await expect(alerts.getByRole("alert")).toBeVisible();
  await page.reload();
  await expect(alerts.getByRole("alert")).toBeVisible();
  await screenshot(page, "inbox-admin-alert");
  await expectAccessible(page, "admin alert banner");
  await alerts.getByRole("button", { name: "Erledigt" }).click();
  await expect(alerts).toHaveCount(0);
  const open = await page.evaluate(async () => ((await (await fetch("/api/alerts")).json()) as { alerts: unknown[] }).alerts.length);
  expect(open, "the alert is acknowledged on the server").toBe(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await expect(alerts, "no banner after a reload once acknowledged").toHaveCount(0);

  expect(errors, "browser errors").toEqual([]);
});
