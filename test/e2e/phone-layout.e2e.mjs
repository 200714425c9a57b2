// The staff app on a phone (390 × 844) and on a desk (1280 × 800), with the demo data: no screen
// scrolls sideways, the navigation is a bottom bar on the phone and one line on the desk, the inbox
// rows show time and unread badge, the report panel opens as a sheet and closes again, "Speichern
// und planen" without a date is an error at the field (nothing saved), a draft shows no stray "0",
// and the installable app's service worker takes over without ever keeping an API answer.
/* global document, innerWidth, getComputedStyle, caches, navigator -- browser globals inside evaluate callbacks */
import { join } from "node:path";
import { apiLogin, assert, poll } from "./lib.mjs";

export const title = "staff app on a phone and a desk: no sideways scrolling, bottom navigation, report sheet, installable";

const TIMEOUT = 15_000;
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };

/** What sticks out to the right of the screen without a box of its own that clips or scrolls it. */
function overflowing() {
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible" && a.getBoundingClientRect().right <= innerWidth + 1) return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > innerWidth + 1 && !clipped(el))
    .slice(0, 3)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
  return { scrollWidth: document.documentElement.scrollWidth, wide };
}

async function assertFits(page, what, viewport) {
  await page.waitForTimeout(400);
  const o = await page.evaluate(overflowing);
  assert(o.scrollWidth <= viewport.width && o.wide.length === 0, `${what} at ${viewport.width} px scrolls sideways: ${JSON.stringify(o)}`);
}

async function signIn(context, base, env) {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.locator("input[type=email]").fill(env.ADMIN_EMAIL);
  await page.locator("input[type=password]").fill(env.ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.getByRole("heading", { name: "Posteingang" }).waitFor({ timeout: TIMEOUT });
  return page;
}

export default async function (t) {
  const base = t.baseUrl;
  const seeded = await fetch(`${base}/__dev/seed`, { method: "POST", headers: { origin: base } });
  assert(seeded.ok, `seed: ${seeded.status}`);
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const { conversations } = await (await fetch(`${base}/api/conversations?limit=20`, { headers: admin })).json();
  const reportConv = conversations.find((c) => c.report);
  assert(reportConv, "the demo has a conversation marked as report");
  const draftRes = await fetch(`${base}/api/broadcasts`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify({ title: "Straßensperre Hauptplatz", kind: "alert", text: "Am Samstag ist der Hauptplatz gesperrt.", channelIds: ["ch_adhoc"] }),
  });
  assert(draftRes.status === 201, `draft: ${draftRes.status}`);
  const draft = (await draftRes.json()).broadcast;
  const screens = [
    ["inbox", "/"],
    ["conversation", `/gespraeche/${reportConv.id}`],
    ["reports", "/meldungen"],
    ["broadcasts", "/aussendungen"],
    ["editor", "/aussendungen/neu"],
    ["draft", `/aussendungen/${draft.id}`],
    ["templates", "/aussendungen/vorlagen"],
    ["channels", "/kanaele"],
    ["subscribers", "/kanaele/abonnenten"],
    ["team", "/team"],
  ];

  // Phone
  const phone = await t.browser.newContext({ viewport: PHONE, locale: "de-AT", timezoneId: "Europe/Vienna", hasTouch: true, isMobile: true });
  try {
    const page = await signIn(phone, base, t.env);
    for (const [name, path] of screens) {
      await page.goto(`${base}${path}`);
      await page.locator("main#main").waitFor({ timeout: TIMEOUT });
      await assertFits(page, name, PHONE);
      await page.screenshot({ path: join(t.artifacts, `phone-${name}.png`) });
    }

    // The navigation is a bar at the bottom; the top bar is one slim line.
    await page.goto(`${base}/`);
    const tabbar = page.locator("nav.tabbar");
    await tabbar.waitFor({ timeout: TIMEOUT });
    assert(!(await page.locator("header nav.topnav").isVisible()), "the top navigation folds away on a phone");
    const bar = await tabbar.boundingBox();
    assert(bar && bar.y + bar.height >= PHONE.height - 1 && bar.height <= 80, `bottom bar at the bottom: ${JSON.stringify(bar)}`);
    const top = await page.locator("header.topbar").boundingBox();
    assert(top && top.height <= 60, `slim top bar: ${JSON.stringify(top)}`);
    await tabbar.getByRole("link", { name: "Meldungen" }).click();
    await poll("the reports page", async () => new URL(page.url()).pathname === "/meldungen");
    await tabbar.getByRole("link", { name: "Kanäle & Abonnenten" }).click();
    await page.getByRole("heading", { name: "Kanäle & Abonnenten" }).waitFor({ timeout: TIMEOUT });
    // Account: language, password and sign-out are in one menu.
    await page.getByRole("button", { name: /^Konto von / }).click();
    await page.getByRole("button", { name: "Passwort ändern" }).waitFor({ timeout: TIMEOUT });
    assert(await page.getByRole("button", { name: "Abmelden" }).isVisible(), "sign-out is in the account menu");
    await page.keyboard.press("Escape");

    // Inbox rows: name, time and unread badge all on screen.
    await tabbar.getByRole("link", { name: "Posteingang" }).click();
    const row = page.locator(".conv-item", { has: page.locator(".badge") }).first();
    await row.waitFor({ timeout: TIMEOUT });
    for (const part of [".conv-item-time", ".badge", ".conv-item-name"]) {
      const box = await row.locator(part).boundingBox();
      assert(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${part} of a list row on screen: ${JSON.stringify(box)}`);
    }

    // The report panel opens as a sheet over the conversation and closes again.
    await page.goto(`${base}/gespraeche/${reportConv.id}`);
    const toggle = page.getByRole("button", { name: "Meldung ansehen" });
    await toggle.waitFor({ timeout: TIMEOUT });
    assert((await toggle.getAttribute("aria-expanded")) === "false", "on a phone the report sheet starts closed");
    await toggle.click();
    const sheet = page.locator(".report-panel");
    await sheet.waitFor({ timeout: TIMEOUT });
    const sb = await sheet.boundingBox();
    assert(sb && sb.x === 0 && Math.round(sb.width) === PHONE.width && sb.y + sb.height >= PHONE.height - 1, `sheet at the bottom, full width: ${JSON.stringify(sb)}`);
    assert((await sheet.evaluate((el) => getComputedStyle(el).position)) === "fixed", "the sheet lies over the conversation");
    await sheet.getByLabel("Kategorie").waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: join(t.artifacts, "phone-report-sheet.png") });
    await sheet.getByRole("button", { name: "Schließen" }).click();
    await sheet.waitFor({ state: "detached", timeout: TIMEOUT });

    // "Speichern und planen" without a date: a German error at the field, and nothing is saved.
    const before = (await (await fetch(`${base}/api/broadcasts`, { headers: admin })).json()).broadcasts.length;
    await page.goto(`${base}/aussendungen/neu`);
    await page.getByLabel("Titel (nur intern)").fill("Flohmarkt");
    await page.getByLabel("Text", { exact: true }).fill("Am Sonntag ist Flohmarkt am Hauptplatz.");
    await page.getByLabel("Später senden").check();
    await page.getByRole("button", { name: "Speichern und planen" }).click();
    const fieldError = page.locator(".field-error", { hasText: "Bitte Datum und Uhrzeit wählen" });
    await fieldError.waitFor({ timeout: TIMEOUT });
    assert((await page.getByLabel("Datum und Uhrzeit (Wiener Zeit)").getAttribute("aria-invalid")) === "true", "the date field is marked");
    await page.waitForTimeout(500);
    const after = (await (await fetch(`${base}/api/broadcasts`, { headers: admin })).json()).broadcasts.length;
    assert(after === before, `no draft saved silently (${before} → ${after})`);

    // A draft's page: no stray "0" under the title; the action says what it cancels.
    await page.goto(`${base}/aussendungen/${draft.id}`);
    await page.getByRole("heading", { name: "Straßensperre Hauptplatz" }).waitFor({ timeout: TIMEOUT });
    const stray = await page.evaluate(() => [...(document.querySelector(".broadcasts .stack")?.childNodes ?? [])].some((n) => n.nodeType === 3 && n.textContent.trim() === "0"));
    assert(!stray, "a stray 0 under the broadcast title");
    await page.getByRole("button", { name: "Aussendung abbrechen" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Nicht abbrechen" }).click();

    // Installable: manifest and icons are there; the service worker takes over and keeps no API answer.
    const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
    assert(manifest.lang === "de-AT" && manifest.icons.some((i) => i.purpose === "maskable"), `manifest: ${JSON.stringify(manifest)}`);
    for (const icon of manifest.icons) {
      const res = await fetch(`${base}${icon.src}`);
      assert(res.ok && res.headers.get("content-type") === "image/png", `${icon.src}: ${res.status}`);
    }
    await page.goto(`${base}/`);
    await poll("the service worker", () => page.evaluate(() => navigator.serviceWorker.ready.then(() => true)));
    await page.reload();
    await page.getByRole("heading", { name: "Posteingang" }).waitFor({ timeout: TIMEOUT });
    assert(await page.evaluate(() => !!navigator.serviceWorker.controller), "the service worker controls the page");
    const kept = await page.evaluate(async () => {
      const out = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
      return out;
    });
    assert(kept.includes("/") && kept.some((p) => p.startsWith("/assets/")), `the app shell is kept: ${kept.join(", ")}`);
    assert(!kept.some((p) => /^\/(api|parties|__dev)(\/|$)/.test(p)), `nothing of the API is kept: ${kept.join(", ")}`);
  } finally {
    await phone.close();
  }

  // Desk
  const desk = await t.browser.newContext({ viewport: DESK, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const page = await signIn(desk, base, t.env);
    const top = await page.locator("header.topbar").boundingBox();
    assert(top && top.height <= 60, `the top bar is one line at 1280 px: ${JSON.stringify(top)}`);
    assert(!(await page.locator("nav.tabbar").isVisible()), "no bottom bar on a desk");
    for (const [name, path] of screens) {
      await page.goto(`${base}${path}`);
      await page.locator("main#main").waitFor({ timeout: TIMEOUT });
      await assertFits(page, name, DESK);
      await page.screenshot({ path: join(t.artifacts, `desk-${name}.png`) });
    }
    // On the desk the report panel is beside the conversation, open from the start.
    await page.goto(`${base}/gespraeche/${reportConv.id}`);
    const panel = page.locator(".report-panel");
    await panel.waitFor({ timeout: TIMEOUT });
    assert((await panel.evaluate((el) => getComputedStyle(el).position)) !== "fixed", "beside, not over, the conversation");
  } finally {
    await desk.close();
  }
}
