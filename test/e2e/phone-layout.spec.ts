// The staff app on a phone (390 × 844) and on a desk (1280 × 800), with the demo data: no screen
// scrolls sideways, the navigation is a bottom bar of five items on the phone (the other pages under
// "Mehr") and one line on the desk, the inbox
// rows show time and unread badge, the report panel opens as a sheet and closes again, "Speichern
// und planen" without a date is an error at the field (nothing saved), a draft shows no stray "0",
// and the installable app's service worker takes over without ever keeping an API answer.
import type { Page } from "@playwright/test";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, test } from "./support/fixtures";
import type { StaffApi } from "./support/staff";
import { signIn } from "./support/staff";

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };

/** What sticks out to the right of the screen without a box of its own that clips or scrolls it. */
function overflowing(): { scrollWidth: number; wide: string[] } {
  const clipped = (el: Element) => {
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

/** Waits (web-first) until the screen fits the width: nothing sticks out, no sideways scrolling. */
async function expectFits(page: Page, what: string, viewport: { width: number }): Promise<void> {
  await expect
    .poll(
      async () => {
        const o = await page.evaluate(overflowing);
        return { fits: o.scrollWidth <= viewport.width, wide: o.wide };
      },
      { message: `${what} at ${viewport.width} px scrolls sideways` },
    )
    .toEqual({ fits: true, wide: [] });
}

/** The bottom bar shows exactly `labels`, each whole on one line (no ellipsis), each item at least 44 × 44 px. */
async function expectCompactTabs(page: Page, labels: string[]): Promise<void> {
  const items = page.locator("nav.tabbar .tabbar-tabs > li > :is(a, button)");
  await expect(items).toHaveText(labels);
  const measured = await items.evaluateAll((els) =>
    els.map((el) => {
      const label = el.querySelector("span");
      const box = el.getBoundingClientRect();
      const lines = label ? Math.round(label.getBoundingClientRect().height / parseFloat(getComputedStyle(label).lineHeight)) : 0;
      return { text: el.textContent, width: Math.round(box.width), height: Math.round(box.height), right: Math.round(box.right), whole: !!label && label.scrollWidth <= label.clientWidth + 1 && label.scrollWidth <= box.width, lines };
    }),
  );
  for (const m of measured) {
    expect(m.whole && m.lines === 1, `"${m.text}" is shown whole on one line: ${JSON.stringify(m)}`).toBe(true);
    expect(m.width >= 44 && m.height >= 44 && m.right <= PHONE.width, `"${m.text}" is a touch target of at least 44 px on screen: ${JSON.stringify(m)}`).toBe(true);
  }
}

interface Demo {
  reportConvId: string;
  draftId: string;
  screens: [string, string][];
}

/** The demo data, a draft alert, and the screens to look at. */
async function demo(page: Page, adminApi: StaffApi): Promise<Demo> {
  expect((await page.request.post("/__dev/seed")).ok(), "demo seed").toBe(true);
  const { conversations } = await adminApi.json<{ conversations: { id: string; report?: unknown }[] }>("GET", "/api/conversations?limit=20");
  const reportConv = conversations.find((c) => c.report);
  expect(reportConv, "the demo has a conversation marked as report").toBeTruthy();
  const draft = await adminApi.call<{ broadcast: { id: string } }>("POST", "/api/broadcasts", {
    title: "Straßensperre Hauptplatz",
    kind: "alert",
    text: "Am Samstag ist der Hauptplatz gesperrt.",
    channelIds: ["ch_adhoc"],
  });
  expect(draft.status, "draft").toBe(201);
  const reportConvId = reportConv?.id ?? "";
  const draftId = draft.data.broadcast.id;
  return {
    reportConvId,
    draftId,
    screens: [
      ["inbox", "/"],
      ["conversation", `/gespraeche/${reportConvId}`],
      ["reports", "/meldungen"],
      ["broadcasts", "/aussendungen"],
      ["editor", "/aussendungen/neu"],
      ["draft", `/aussendungen/${draftId}`],
      ["templates", "/aussendungen/vorlagen"],
      ["channels", "/kanaele"],
      ["subscribers", "/kanaele/abonnenten"],
      ["team", "/team"],
    ],
  };
}

async function signInToInbox(page: Page, email: string, password: string): Promise<void> {
  await signIn(page, email, password);
  await expect(page.getByRole("heading", { name: "Posteingang" })).toBeVisible();
}

test.describe("phone", () => {
  test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

  test("staff app on a phone: no sideways scrolling, bottom navigation, report sheet, installable", async ({ page, server, adminApi }) => {
    const { reportConvId, draftId, screens } = await demo(page, adminApi);
    await signInToInbox(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
    for (const [name, path] of screens) {
      await page.goto(path);
      await expect(page.locator("main#main")).toBeVisible();
      await expectFits(page, name, PHONE);
      await screenshot(page, `phone-${name}`);
    }

    // The navigation is a bar at the bottom; the top bar is one slim line.
    await page.goto("/");
    const tabbar = page.locator("nav.tabbar");
    await expect(tabbar).toBeVisible();
    await expect(page.locator("header nav.topnav"), "the top navigation folds away on a phone").toBeHidden();
    const bar = await tabbar.boundingBox();
    expect(bar && bar.y + bar.height >= PHONE.height - 1 && bar.height <= 80, `bottom bar at the bottom: ${JSON.stringify(bar)}`).toBe(true);
    const top = await page.locator("header.topbar").boundingBox();
    expect(top && top.height <= 60, `slim top bar: ${JSON.stringify(top)}`).toBe(true);
    // At most five items, each with its whole label on one line and a touch target of at least 44 px.
    await expectCompactTabs(page, ["Posteingang", "Meldungen", "Aussendungen", "Kanäle", "Mehr"]);
    await tabbar.getByRole("link", { name: "Meldungen" }).click();
    await expect(page, "the reports page").toHaveURL(/\/meldungen$/);
    await tabbar.getByRole("link", { name: "Kanäle & Abonnenten" }).click();
    await expect(page.getByRole("heading", { name: "Kanäle & Abonnenten" })).toBeVisible();
    // "Mehr" lists the other pages; Esc closes it with the focus back on "Mehr".
    const more = tabbar.getByRole("button", { name: "Mehr" });
    await expect(more).toHaveAttribute("aria-expanded", "false");
    await more.click();
    const list = tabbar.getByRole("list", { name: "Weitere Seiten" });
    await expect(list.getByRole("link")).toHaveText(["Textbausteine", "Team", "Sicherheit"]);
    for (const link of await list.getByRole("link").all()) {
      const box = await link.boundingBox();
      expect(box && box.height >= 44 && box.x >= 0 && box.x + box.width <= PHONE.width, `a row under "Mehr": ${JSON.stringify(box)}`).toBe(true);
    }
    await screenshot(page, "phone-more-menu");
    await expectAccessible(page, "Mehr menu (phone)");
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await expect(more).toBeFocused();
    await more.click();
    await list.getByRole("link", { name: "Team" }).click();
    await expect(page, "the team page").toHaveURL(/\/team$/);
    await expect(list, "the list closes when a page opens").toBeHidden();
    await expect(more, "Mehr is marked while one of its pages is open").toHaveClass(/tab-more-current/);
    // English: the same five items, whole words.
    await page.getByRole("button", { name: /^Konto von / }).click();
    await page.getByRole("button", { name: /^Sprache wechseln/ }).click();
    await page.keyboard.press("Escape");
    await expectCompactTabs(page, ["Inbox", "Reports", "Broadcasts", "Channels", "More"]);
    await page.getByRole("button", { name: /^Account of / }).click();
    await page.getByRole("button", { name: /^Switch language/ }).click();
    await page.keyboard.press("Escape");
    await expect(tabbar.getByRole("link", { name: "Posteingang" })).toBeVisible();
    // Account: language, password and sign-out are in one menu.
    await page.getByRole("button", { name: /^Konto von / }).click();
    await expect(page.getByRole("button", { name: "Passwort ändern" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Abmelden" }), "sign-out is in the account menu").toBeVisible();
    await expectAccessible(page, "account menu (phone)");
    await page.keyboard.press("Escape");

    // Inbox rows: name, time and unread badge all on screen.
    await tabbar.getByRole("link", { name: "Posteingang" }).click();
    const row = page.locator(".conv-item", { has: page.locator(".badge") }).first();
    await expect(row).toBeVisible();
    for (const part of [".conv-item-time", ".badge", ".conv-item-name"]) {
      const box = await row.locator(part).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${part} of a list row on screen: ${JSON.stringify(box)}`).toBe(true);
    }

    // The report panel opens as a sheet over the conversation and closes again.
    await page.goto(`/gespraeche/${reportConvId}`);
    const toggle = page.getByRole("button", { name: "Meldung ansehen" });
    await expect(toggle, "on a phone the report sheet starts closed").toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    const sheet = page.locator(".report-panel");
    await expect(sheet).toBeVisible();
    await expect(sheet.getByLabel("Kategorie")).toBeVisible();
    const sb = await sheet.boundingBox();
    expect(sb && sb.x === 0 && Math.round(sb.width) === PHONE.width && sb.y + sb.height >= PHONE.height - 1, `sheet at the bottom, full width: ${JSON.stringify(sb)}`).toBe(true);
    await expect(sheet, "the sheet lies over the conversation").toHaveCSS("position", "fixed");
    await screenshot(page, "phone-report-sheet");
    await expectAccessible(page, "report sheet (phone)");
    await sheet.getByRole("button", { name: "Schließen" }).click();
    await expect(sheet).toHaveCount(0);

    // "Speichern und planen" without a date: a German error at the field, and nothing is saved.
    const count = async () => (await page.request.get("/api/broadcasts")).json().then((b: { broadcasts: unknown[] }) => b.broadcasts.length);
    const before = await count();
    await page.goto("/aussendungen/neu");
    await page.getByLabel("Titel (nur intern)").fill("Flohmarkt");
    await page.getByLabel("Text", { exact: true }).fill("Am Sonntag ist Flohmarkt am Hauptplatz.");
    await page.getByLabel("Später senden").check();
    await page.getByRole("button", { name: "Speichern und planen" }).click();
    await expect(page.locator(".field-error", { hasText: "Bitte Datum und Uhrzeit wählen" })).toBeVisible();
    await expect(page.getByLabel("Datum und Uhrzeit (Wiener Zeit)"), "the date field is marked").toHaveAttribute("aria-invalid", "true");
    await expectAccessible(page, "editor with a field error (phone)");
    // The refusal is at the field: the list of broadcasts is unchanged.
    expect(await count(), "no draft saved silently").toBe(before);

    // A draft's page: no stray "0" under the title; the action says what it cancels.
    await page.goto(`/aussendungen/${draftId}`);
    await expect(page.getByRole("heading", { name: "Straßensperre Hauptplatz" })).toBeVisible();
    const stray = await page.evaluate(() => [...(document.querySelector(".broadcasts .stack")?.childNodes ?? [])].some((n) => n.nodeType === 3 && n.textContent?.trim() === "0"));
    expect(stray, "a stray 0 under the broadcast title").toBe(false);
    await page.getByRole("button", { name: "Aussendung abbrechen" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "cancel broadcast dialog (phone)");
    await dialog.getByRole("button", { name: "Nicht abbrechen" }).click();

    // Installable: manifest and icons are there; the service worker takes over and keeps no API answer.
    const manifest = (await (await page.request.get("/manifest.webmanifest")).json()) as { lang: string; icons: { src: string; purpose?: string }[] };
    expect(manifest.lang, "manifest language").toBe("de-AT");
    expect(manifest.icons.some((i) => i.purpose === "maskable"), `a maskable icon: ${JSON.stringify(manifest)}`).toBe(true);
    for (const icon of manifest.icons) {
      const res = await page.request.get(icon.src);
      expect(res.ok(), `${icon.src}: ${res.status()}`).toBe(true);
      expect(res.headers()["content-type"], icon.src).toBe("image/png");
    }
    await page.goto("/");
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then(() => true)), { message: "the service worker" }).toBe(true);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Posteingang" })).toBeVisible();
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller), "the service worker controls the page").toBe(true);
    const kept = await page.evaluate(async () => {
      const out: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
      return out;
    });
    expect(kept.includes("/") && kept.some((p) => p.startsWith("/assets/")), `the app shell is kept: ${kept.join(", ")}`).toBe(true);
    expect(kept.filter((p) => /^\/(api|parties|__dev)(\/|$)/.test(p)), "nothing of the API is kept").toEqual([]);
  });
});

test("staff app on a desk: one-line top bar, no bottom bar, no sideways scrolling, report panel beside", async ({ page, server, adminApi }) => {
  await page.setViewportSize(DESK);
  const { reportConvId, screens } = await demo(page, adminApi);
  await signInToInbox(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  const top = await page.locator("header.topbar").boundingBox();
  expect(top && top.height <= 60, `the top bar is one line at 1280 px: ${JSON.stringify(top)}`).toBe(true);
  await expect(page.locator("nav.tabbar"), "no bottom bar on a desk").toBeHidden();
  await expect(page.locator("header nav.topnav a"), "every page in the top bar").toHaveText(["Posteingang", "Meldungen", "Aussendungen", "Kanäle", "Textbausteine", "Team", "Sicherheit"]);
  for (const [name, path] of screens) {
    await page.goto(path);
    await expect(page.locator("main#main")).toBeVisible();
    await expectFits(page, name, DESK);
    await screenshot(page, `desk-${name}`);
  }
  // On the desk the report panel is beside the conversation, open from the start.
  await page.goto(`/gespraeche/${reportConvId}`);
  const panel = page.locator(".report-panel");
  await expect(panel).toBeVisible();
  await expect(panel, "beside, not over, the conversation").not.toHaveCSS("position", "fixed");
});
