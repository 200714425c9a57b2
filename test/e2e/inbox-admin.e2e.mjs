// The staff app end to end, second part: an admin manages the team (invite, disable), answers a
// citizen whose 24-hour window has closed (the free-text box is replaced by the template picker
// before anyone types) and marks the conversation as an incident report with the location the
// citizen sent; changing the report status notifies the citizen on WhatsApp. Finally the access
// token "expires" (simulator switch): a reply fails with error 190 and the admin alert banner
// appears live, stays on every page, and goes away with "Erledigt".
import { join } from "node:path";
import { assert, messageWebhook as webhook, poll } from "./lib.mjs";

export const title = "staff app: team management, template outside the 24-hour window, incident report, admin alert";

const TIMEOUT = 15_000;


async function phoneMessages(base, waId) {
  const res = await fetch(`${base}/__dev/api/phones/${waId}/messages`);
  const data = await res.json();
  return (Array.isArray(data) ? data : (data.messages ?? [])).filter((m) => m.direction === "out");
}

export default async function (t) {
  const base = t.baseUrl;
  const run = Date.now().toString(36);
  const ctx = await t.browser.newContext({ viewport: { width: 1366, height: 860 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${base}/`);
    await page.getByLabel("E-Mail-Adresse").fill(t.env.ADMIN_EMAIL);
    await page.getByLabel("Passwort").fill(t.env.ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });

    // Team: invite an editor, then disable the account; the person can no longer sign in.
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Team" }).click();
    await page.getByRole("heading", { name: "Team", level: 1 }).waitFor({ timeout: TIMEOUT });
    await page.getByRole("button", { name: "Person hinzufügen" }).click();
    const invite = page.getByRole("dialog", { name: "Person hinzufügen" });
    const email = `lukas.${run}@gemeinde.test`;
    await invite.getByLabel("Name").fill("Lukas Gruber");
    await invite.getByLabel("E-Mail-Adresse").fill(email);
    await invite.getByLabel("Rolle").selectOption("editor");
    await invite.getByLabel("Erstes Passwort").fill("lukas-passwort-1");
    await invite.getByRole("button", { name: "Hinzufügen" }).click();
    await page.getByText("Lukas Gruber wurde hinzugefügt.").waitFor({ timeout: TIMEOUT });
    const row = page.getByRole("row").filter({ hasText: email });
    assert((await row.getByLabel("Rolle von Lukas Gruber").inputValue()) === "editor", "invited as editor");
    const loginLukas = () =>
      fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email, password: "lukas-passwort-1" }) });
    assert((await loginLukas()).status === 200, "the invited person can sign in");
    await row.getByRole("button", { name: "Deaktivieren" }).click();
    await page.getByRole("dialog", { name: "Zugang deaktivieren?" }).getByRole("button", { name: "Deaktivieren" }).click();
    await row.getByText("Deaktiviert").waitFor({ timeout: TIMEOUT });
    assert((await loginLukas()).status === 401, "a disabled person cannot sign in");

    // Report categories are the admin's to configure: add one.
    const cats = page.getByLabel("Kategorien", { exact: true });
    await poll("the category list", async () => (await cats.inputValue()).length > 0);
    await cats.fill(`${await cats.inputValue()}\nSpielplatz`);
    await page.getByRole("button", { name: "Kategorien speichern" }).click();
    await page.getByText("Kategorien gespeichert.").waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "inbox-team.png"), fullPage: true });

    // Approved templates come from the (fake) Graph API.
    const sync = await page.evaluate(async () => (await fetch("/api/templates/sync", { method: "POST" })).status);
    assert(sync === 200, `template sync answered ${sync}`);

    // A citizen wrote 30 hours ago, with the place of the problem: the window is closed.
    const waId = `43676${String(Date.now()).slice(-7)}`;
    const citizen = "Helga Schuster";
    const then = Math.floor(Date.now() / 1000) - 30 * 3600;
    await t.signedWebhook(webhook(waId, citizen, { id: `wamid.adm.${run}.1`, timestamp: String(then), type: "text", text: { body: "Die Straßenlaterne vor dem Gemeindeamt ist seit Tagen dunkel." } }));
    await t.signedWebhook(webhook(waId, citizen, { id: `wamid.adm.${run}.2`, timestamp: String(then + 20), type: "location", location: { latitude: 48.204817, longitude: 15.624612, name: "Gemeindeamt", address: "Rathausplatz 1" } }));

    // Enough conversations for a second page: the list loads more when scrolled to the end.
    for (let i = 0; i < 32; i++) {
      const n = String(i).padStart(2, "0");
      await t.signedWebhook(webhook(`436990000${n}`, `Bürger ${n}`, { id: `wamid.adm.${run}.many${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `Frage Nummer ${n}` } }));
    }
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Posteingang" }).click();
    const items = page.locator(".conv-list a");
    await poll("the first page of the list", async () => (await items.count()) === 30);
    await items.last().scrollIntoViewIfNeeded();
    await poll("the next page after scrolling", async () => (await items.count()) >= 32);
    await page.getByLabel("Gespräche durchsuchen").waitFor({ timeout: TIMEOUT });
    await page.keyboard.press("/");
    assert(await page.getByLabel("Gespräche durchsuchen").evaluate((el) => el === el.ownerDocument.activeElement), "/ jumps to the search");
    await page.keyboard.type(waId);
    await poll("the search to find exactly this citizen by number", async () => (await page.locator(".conv-list a").count()) === 1);
    const link = page.locator(".conv-list a", { hasText: citizen });
    await link.waitFor({ timeout: TIMEOUT });
    await link.getByText("Nur Vorlage").waitFor({ timeout: TIMEOUT });
    await link.click();
    await page.getByRole("heading", { name: citizen, level: 2 }).waitFor({ timeout: TIMEOUT });

    // The location is shown with coordinates and a link to OpenStreetMap.
    const osm = page.locator(".msg-in .location").getByRole("link", { name: /Auf OpenStreetMap ansehen/ });
    assert((await osm.getAttribute("href")) === "https://www.openstreetmap.org/?mlat=48.204817&mlon=15.624612#map=18/48.204817/15.624612", "OSM link");
    await page.locator(".msg-in .location").getByText("48.20482, 15.62461").waitFor({ timeout: TIMEOUT });

    // Outside the window: no free-text box at all, the template picker instead.
    await page.getByText("Das 24-Stunden-Fenster ist geschlossen").waitFor({ timeout: TIMEOUT });
    assert((await page.locator(".reply textarea").count()) === 0, "no free-text box outside the window");
    const picker = page.getByLabel("Genehmigte Vorlage");
    const options = await poll("approved templates in the picker", async () => {
      const values = await picker.locator("option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      return values.length > 0 && values;
    });
    const withParam = options.find((v) => v.startsWith("meldung_status|")) ?? options[0];
    await picker.selectOption(withParam);
    const params = page.locator(".template-picker input");
    for (let i = 0; i < (await params.count()); i++) await params.nth(i).fill("Die Laterne wird morgen repariert.");
    await page.getByRole("button", { name: "Vorlage senden" }).click();
    await page.locator(".msg-out", { hasText: "Die Laterne wird morgen repariert." }).waitFor({ timeout: TIMEOUT });
    await poll("the template at the simulated phone", async () => (await phoneMessages(base, waId)).some((m) => m.type === "template"));

    // Incident report: category, location taken from the citizen's message, status change informs the citizen.
    await page.locator(".conv-actions").getByRole("button", { name: "Meldung" }).click();
    const panel = page.locator(".report-panel");
    await panel.getByRole("button", { name: "Als Meldung markieren" }).waitFor({ timeout: TIMEOUT });
    const category = await poll("the new report category in the panel", async () => {
      const values = await panel.getByLabel("Kategorie").locator("option").evaluateAll((os) => os.map((o) => o.value));
      return values.includes("Spielplatz") && "Spielplatz";
    });
    await panel.getByLabel("Kategorie").selectOption(category);
    await panel.getByRole("button", { name: "Als Meldung markieren" }).click();
    await page.locator(".conv-sub .tag-report", { hasText: `Meldung: ${category} · Neu` }).waitFor({ timeout: TIMEOUT });
    await panel.getByText("48.20482, 15.62461").waitFor({ timeout: TIMEOUT });
    const before = (await phoneMessages(base, waId)).length;
    await panel.getByLabel("In Bearbeitung").check();
    await page.locator(".conv-sub .tag-report", { hasText: "In Bearbeitung" }).waitFor({ timeout: TIMEOUT });
    await page.locator(".conv-list a", { hasText: citizen }).locator(".tag-report", { hasText: "In Bearbeitung" }).waitFor({ timeout: TIMEOUT });
    // The news waits 10 s for a possible undo (docs/outreach-and-answers.md) before it goes out.
    await page.locator(".msg-out").getByText("Bürger:in wird benachrichtigt").first().waitFor({ timeout: TIMEOUT });
    await poll("the status notice at the simulated phone", async () => (await phoneMessages(base, waId)).length > before, 40_000);
    await page.screenshot({ path: join(t.artifacts, "inbox-report.png") });

    // Admin alert: Meta invalidates the access token (simulated); the next reply fails with Graph error
    // 190, and every admin sees a red banner at once, on every page, until someone presses "Erledigt".
    const alerts = page.getByRole("region", { name: "Hinweise für die Administration" });
    assert((await alerts.count()) === 0, "no alert banner before anything went wrong");
    const setTokenExpired = (expired) =>
      fetch(`${base}/__dev/api/access-token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ expired }) });
    assert((await setTokenExpired(true)).ok, "the simulator expires the access token");
    try {
      await page.getByLabel("Gespräche durchsuchen").fill("436990000");
      await page.locator(".conv-list a", { hasText: "Bürger 31" }).click();
      await page.getByRole("heading", { name: "Bürger 31", level: 2 }).waitFor({ timeout: TIMEOUT });
      await page.getByLabel("Antwort an Bürger 31").fill("Das Freibad öffnet am 1. Juni.");
      await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
      await page.locator(".msg-out", { hasText: "Das Freibad öffnet am 1. Juni." }).getByText("Fehlgeschlagen").waitFor({ timeout: TIMEOUT });
      await alerts.getByRole("alert").getByText("Zugangsschlüssel (Access Token) ist ungültig oder abgelaufen").waitFor({ timeout: TIMEOUT });
      // A second failure does not add a second banner (one per kind).
      await page.getByLabel("Antwort an Bürger 31").fill("Öffnungszeiten: 9 bis 19 Uhr.");
      await page.locator(".reply").getByRole("button", { name: "Senden" }).click();
      await page.locator(".msg-out", { hasText: "Öffnungszeiten: 9 bis 19 Uhr." }).getByText("Fehlgeschlagen").waitFor({ timeout: TIMEOUT });
      assert((await alerts.getByRole("alert").count()) === 1, "the same kind of alert is shown once");
    } finally {
      await setTokenExpired(false);
    }
    // It stays on every page and after a reload (loaded from GET /api/alerts).
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Team" }).click();
    await page.getByRole("heading", { name: "Team", level: 1 }).waitFor({ timeout: TIMEOUT });
    await alerts.getByRole("alert").waitFor({ timeout: TIMEOUT });
    await page.reload();
    await alerts.getByRole("alert").waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "inbox-admin-alert.png") });
    await alerts.getByRole("button", { name: "Erledigt" }).click();
    await alerts.waitFor({ state: "detached", timeout: TIMEOUT });
    const open = await page.evaluate(async () => (await (await fetch("/api/alerts")).json()).alerts.length);
    assert(open === 0, `the alert is acknowledged on the server (${open} open)`);
    await page.reload();
    await page.getByRole("heading", { name: "Team", level: 1 }).waitFor({ timeout: TIMEOUT });
    assert((await alerts.count()) === 0, "no banner after a reload once acknowledged");

    assert(errors.length === 0, `browser errors: ${errors.join("; ")}`);
  } finally {
    await ctx.close();
  }
}
