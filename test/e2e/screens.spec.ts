// Every screen of the staff app with the demo data, at the project's size: no serious or critical
// WCAG 2.2 AA violation, and no sideways scrolling. Tagged @phone: the smoke set that also runs at
// 390 × 844 (project "phone").
import type { Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll, screenshot } from "./support/checks";
import { expect, test, type Server } from "./support/fixtures";

const phone = { tag: "@phone" };

/** Demo data (runs once per server) and a signed-in admin session in the page's context. */
async function signedInWithDemoData(page: Page, server: Server): Promise<void> {
  expect((await page.request.post("/__dev/seed")).ok(), "demo seed").toBe(true);
  const login = await page.request.post("/api/auth/login", {
    headers: { origin: server.baseUrl },
    data: { email: server.env.ADMIN_EMAIL, password: server.env.ADMIN_PASSWORD },
  });
  expect(login.status(), "admin login").toBe(200);
}

/** A draft newsletter to the demo newsletter channel (the demo data has no broadcasts). */
async function draftBroadcast(page: Page, server: Server): Promise<string> {
  const res = await page.request.post("/api/broadcasts", {
    headers: { origin: server.baseUrl },
    data: { title: "Gemeindezeitung März", kind: "newsletter", text: "Grüß Gott! Die neue Gemeindezeitung ist da.", channelIds: ["ch_newsletter"] },
  });
  expect(res.status(), `draft broadcast: ${await res.text()}`).toBe(201);
  return ((await res.json()) as { broadcast: { id: string } }).broadcast.id;
}

/** The checks of one screen: accessible, and no sideways scrolling at the project's width. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await screenshot(page, `screen-${test.info().project.name}-${name.replaceAll(" ", "-")}`);
  await expectAccessible(page, name);
  await expectNoSidewaysScroll(page, name);
}

test("login", phone, async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();
  await checkScreen(page, "login");
});

test("inbox list", phone, async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/");
  await expect(page.locator(".conv-list a").first()).toBeVisible();
  await checkScreen(page, "inbox list");
});

test("a conversation", phone, async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/");
  await page.locator(".conv-list a").first().click();
  await expect(page.getByRole("heading", { level: 2 })).toBeVisible();
  await expect(page.locator(".msg-in").first()).toBeVisible();
  await checkScreen(page, "conversation");
});

test("broadcasts list", phone, async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await draftBroadcast(page, server);
  await page.goto("/aussendungen");
  await expect(page.getByRole("heading", { name: "Aussendungen", level: 1 })).toBeVisible();
  await expect(page.locator("tr[data-broadcast]").first()).toBeVisible();
  await checkScreen(page, "broadcasts list");
});

test("a draft broadcast", async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  const id = await draftBroadcast(page, server);
  await page.goto(`/aussendungen/${id}`);
  await expect(page.getByTestId("status")).toBeVisible();
  await checkScreen(page, "broadcast detail");
});

test("templates", async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/aussendungen/vorlagen");
  await expect(page.getByRole("heading", { name: "Vorlagen", level: 1 })).toBeVisible();
  await checkScreen(page, "templates");
  await page.goto("/aussendungen/vorlagen/neu");
  await expect(page.getByRole("heading", { name: "Neue Vorlage", level: 1 })).toBeVisible();
  await checkScreen(page, "new template");
});

test("reports map", phone, async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.route("https://tile.openstreetmap.org/**", (route) => route.abort("internetdisconnected"));
  await page.goto("/meldungen");
  await expect(page.getByRole("heading", { name: "Karte der Meldungen", level: 1 })).toBeVisible();
  await expect(page.getByRole("list", { name: "Liste der Meldungen" }).getByRole("listitem").first()).toBeVisible();
  await checkScreen(page, "reports map");
});

test("channels", phone, async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/kanaele");
  await expect(page.getByRole("heading", { name: "Kanäle & Abonnenten" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Newsletter" }).first()).toBeVisible();
  await checkScreen(page, "channels");
});

test("subscribers", async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/kanaele/abonnenten");
  await expect(page.getByRole("row").nth(1)).toBeVisible();
  await checkScreen(page, "subscribers");
});

test("team", async ({ page, server }) => {
  await signedInWithDemoData(page, server);
  await page.goto("/team");
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await checkScreen(page, "team");
});
