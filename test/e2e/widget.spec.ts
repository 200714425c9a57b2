// The sign-up widget in headless Chromium, end to end: a town page with hostile CSS (served as the
// allowed site origin) embeds widget.js from the worker; the widget renders intact in its shadow
// DOM and leaves the page's own styles alone; the citizen picks channels; on desktop the QR code and
// the wa.me link with the code appear; the prefilled message sent from the simulated phone
// subscribes exactly those channels and the bot's reply reaches the phone. On a phone the button
// opens wa.me directly. The simulator's demo page (/__dev/widget-demo) works the same way. A site
// that is not allowed gets no config (CORS). Only the worker's origin is ever contacted, and no
// cookies are set.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BrowserContext } from "@playwright/test";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, test } from "./support/fixtures";

const SITE = "http://127.0.0.1:9"; // WIDGET_ALLOWED_ORIGINS in support/citizen.ts
const CITIZEN = "436609990001";
const WA_ME = /^https:\/\/wa\.me\/436641234567\?text=ANMELDEN%20[2-9A-HJKMNP-Z]{4}$/;

const HOSTILE_CSS = `
* { all: unset !important; font-size: 40px !important; color: red !important; font-family: "Comic Sans MS", cursive !important; }
html, body { display: block !important; background: #fffbe6 !important; }
head { display: none !important; }
p, h1 { display: block !important; }
div, form, label, button, input, img, a, fieldset { display: none !important; visibility: hidden !important; }
townwire-signup { transform: rotate(8deg) !important; opacity: 0.1 !important; max-width: 90px !important; }
:root { --tw-color: red !important; }
`;

function hostilePage(baseUrl: string, attrs = "") {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gemeinde</title>
<style>${HOSTILE_CSS}</style></head>
<body><h1>Marktgemeinde Feindselig</h1><p id="host-text">Dieser Text der Gemeinde-Website bleibt groß und rot.</p>
<script src="${baseUrl}/widget.js" data-title="Gemeinde-News aufs Handy" data-color="#7a1f1f" ${attrs}></script>
<p>Fußzeile</p></body></html>`;
}

/**
 * A page at the allowed `origin`, served by the test through request interception (nothing can
 * listen on port 9). Chromium's local-network-access rules would then block the page (which has no
 * address, so counts as public) from reaching the loopback worker, so the worker's responses are
 * passed through by the test runner unchanged. Playwright adds CORS headers to fulfilled responses,
 * so the worker's own CORS answer is recorded here and checked; the foreign site below is a real
 * loopback server with no interception, where the browser enforces CORS itself.
 */
async function openAllowedSite(context: BrowserContext, html: string, base: string) {
  const page = await context.newPage();
  const requests: string[] = [];
  const corsSeen: (string | null)[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.route(`${SITE}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  await page.route(`${base}/**`, async (route) => {
    const response = await route.fetch();
    if (route.request().resourceType() === "fetch") corsSeen.push(response.headers()["access-control-allow-origin"] ?? null);
    return route.fulfill({ response });
  });
  await page.goto(`${SITE}/gemeinde/whatsapp.html`);
  return { page, requests, corsSeen };
}

/** A real web server on loopback for a site that is not in WIDGET_ALLOWED_ORIGINS. */
async function foreignSite(html: string) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("sign-up widget: hostile page CSS, shadow DOM, channels → code → QR/wa.me → subscribed", async ({ browser, context: desktop, server, request, adminApi }) => {
  const base = server.baseUrl;
  const seeded = await request.post("/__dev/seed");
  expect(seeded.ok(), `seed: ${seeded.status()} ${await seeded.text()}`).toBe(true);

  // ---- Desktop, hostile page at the allowed origin ----
  const { page, requests, corsSeen } = await openAllowedSite(desktop, hostilePage(base), base);
  const boxes = page.locator("townwire-signup input[type=checkbox]");
  await expect(boxes.first()).toBeVisible();
  const ids = await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  // Exactly the channels the worker offers (other browser tests may have added some), in its order.
  const config = (await (await request.get("/api/public/widget-config")).json()) as { channels: { id: string }[] };
  const offered = config.channels.map((c) => c.id);
  for (const demo of ["ch_newsletter", "ch_adhoc", "ch_events", "ch_freibad", "ch_brueckenlauf"]) {
    expect(offered, `demo channel ${demo} offered`).toContain(demo);
  }
  expect(ids, "the channels shown are the ones offered").toEqual(offered);
  const checked = await boxes.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).value));
  expect(checked, "default-on preselected").toEqual(["ch_newsletter", "ch_adhoc"]);

  // The widget keeps its own look; the page keeps its own (hostile) look.
  const looks = await page.evaluate(() => {
    const host = document.querySelector("townwire-signup");
    const root = host?.shadowRoot;
    const form = root?.querySelector("form");
    const h2 = root?.querySelector("h2");
    const button = root?.querySelector("button");
    const label = root?.querySelector("label");
    const hostText = document.getElementById("host-text");
    if (!host || !form || !h2 || !button || !label || !hostText) return null;
    const style = (el: Element) => getComputedStyle(el);
    const rect = form.getBoundingClientRect();
    return {
      hostDisplay: style(host).display,
      hostOpacity: style(host).opacity,
      hostTransform: style(host).transform,
      formDisplay: style(form).display,
      formWidth: rect.width,
      formHeight: rect.height,
      h2Size: style(h2).fontSize,
      h2Color: style(h2).color,
      h2Text: h2.textContent,
      buttonBg: style(button).backgroundColor,
      buttonDisplay: style(button).display,
      labelDisplay: style(label).display,
      hostText: style(hostText).fontSize,
      hostColor: style(hostText).color,
      divsOnPage: document.querySelectorAll("div").length,
    };
  });
  if (!looks) throw new Error("the widget did not render its form");
  expect(looks, "host styles do not leak in").toMatchObject({ hostDisplay: "block", hostOpacity: "1", hostTransform: "none" });
  expect(looks, "the widget is visible").toMatchObject({ formDisplay: "block", buttonDisplay: "block", labelDisplay: "flex" });
  expect(looks.formWidth, "widget width").toBeGreaterThan(300);
  expect(looks.formWidth, "widget width").toBeLessThanOrEqual(481);
  expect(looks.formHeight, "widget height").toBeGreaterThan(200);
  expect(looks, "heading").toMatchObject({ h2Size: "19px", h2Color: "rgb(28, 30, 33)" });
  expect(looks.h2Text, "data-title").toBe("Gemeinde-News aufs Handy");
  expect(looks.buttonBg, "data-color").toBe("rgb(122, 31, 31)");
  expect(looks, "the widget leaves the page alone").toMatchObject({ hostText: "40px", hostColor: "rgb(255, 0, 0)" });
  expect(looks.divsOnPage, "widget added no elements to the page outside its host").toBe(0);
  await screenshot(page, "widget-hostile-page", { fullPage: true });
  await expectAccessible(page, "widget on a town page");

  // Choose: Events and Freibad only.
  await page.locator("townwire-signup input[value=ch_newsletter]").uncheck();
  await page.locator("townwire-signup input[value=ch_adhoc]").uncheck();
  await page.locator("townwire-signup input[value=ch_events]").check();
  await page.locator("townwire-signup input[value=ch_freibad]").check();
  await page.locator("townwire-signup button").click();
  const link = page.locator("townwire-signup .q a");
  await expect(link).toBeVisible();
  await expect(link, "wa.me link").toHaveAttribute("href", WA_ME);
  const code = /ANMELDEN%20(.{4})$/.exec((await link.getAttribute("href")) ?? "")?.[1] ?? "";
  const qr = page.locator("townwire-signup .q img");
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { message: "QR image loaded" }).toBe(true);
  const shown = await qr.evaluate((img: HTMLImageElement) => ({ src: img.src, w: img.getBoundingClientRect().width }));
  expect(shown, "QR source and rendered width").toEqual({ src: `${base}/api/public/signup-codes/${code}/qr.svg`, w: 200 });
  const sendText = page.locator("townwire-signup .q p.n");
  await expect(sendText, "fallback text").toContainText(`„ANMELDEN ${code}“`);
  await expect(sendText, "fallback text").toContainText("+436641234567");
  await screenshot(page, "widget-qr", { fullPage: true });
  await expectAccessible(page, "widget with the QR code");

  // Only the page itself and the worker were contacted; no cookies anywhere.
  expect(requests.filter((u) => !u.startsWith(`${SITE}/`) && !u.startsWith(`${base}/`)), "third-party requests").toEqual([]);
  expect(requests, "config fetched from the worker").toContain(`${base}/api/public/widget-config`);
  expect(corsSeen.length, `worker CORS answers: ${JSON.stringify(corsSeen)}`).toBeGreaterThanOrEqual(2);
  for (const origin of corsSeen) expect(origin, "worker CORS answer").toBe(SITE);
  expect(await desktop.cookies(), "cookies set").toEqual([]);
  await page.close();

  // ---- The citizen sends the prefilled message from the (simulated) phone → subscribed ----
  const sent = await request.post(`/__dev/api/phones/${CITIZEN}/messages`, {
    headers: { origin: base },
    data: { name: "Widget Test", message: { type: "text", text: `ANMELDEN ${code}` } },
  });
  expect(sent.status(), `phone send: ${await sent.text()}`).toBe(201);
  let subscriber: { id: string; channels: string[] } | undefined;
  await expect
    .poll(async () => {
      subscriber = (await adminApi.json<{ subscribers?: { id: string; channels: string[] }[] }>("GET", `/api/subscribers?q=${CITIZEN}`)).subscribers?.[0];
      return subscriber?.channels.length ?? 0;
    }, { message: "subscription" })
    .toBeGreaterThan(0);
  expect(subscriber?.channels, "subscribed").toEqual(["ch_events", "ch_freibad"]);
  const detail = await adminApi.json<{ consent: { source: string; action: string }[] }>("GET", `/api/subscribers/${subscriber?.id}`);
  for (const e of detail.consent) expect(e, "consent").toMatchObject({ source: "widget_code", action: "subscribe" });
  await expect
    .poll(async () => JSON.stringify(await (await request.get(`/__dev/api/phones/${CITIZEN}/messages`)).json()), { message: "bot reply on the phone" })
    .toContain("Sie sind jetzt angemeldet für: Events, Freibad");

  // ---- On a phone the button opens WhatsApp directly ----
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
  });
  try {
    let opened: string | null = null;
    await phone.route("https://wa.me/**", (route) => {
      opened = route.request().url();
      return route.fulfill({ status: 200, contentType: "text/html", body: "<p>WhatsApp</p>" });
    });
    const mobile = await openAllowedSite(phone, hostilePage(base, 'data-channels="ch_brueckenlauf"'), base);
    const onlyOne = mobile.page.locator("townwire-signup input[type=checkbox]");
    await expect(onlyOne.first()).toBeVisible();
    await expect(onlyOne, "data-channels shows one channel").toHaveCount(1);
    await expect(onlyOne.first(), "data-channels preselects it").toBeChecked();
    await screenshot(mobile.page, "widget-phone");
    await expectAccessible(mobile.page, "widget on a phone");
    await mobile.page.locator("townwire-signup button").click();
    await expect.poll(() => opened, { message: "wa.me navigation" }).toMatch(WA_ME);
  } finally {
    await phone.close();
  }

  // ---- The simulator's demo page (same origin as the worker) embeds the widget too ----
  const demoPage = await desktop.newPage();
  await demoPage.goto("/__dev/widget-demo");
  await expect(demoPage.locator("townwire-signup input[type=checkbox]").first()).toBeVisible();
  await expectAccessible(demoPage, "widget demo page");
  await demoPage.locator("townwire-signup button").click();
  const demoLink = demoPage.locator("townwire-signup .q a");
  await expect(demoLink).toBeVisible();
  await expect(demoLink, "demo page link").toHaveAttribute("href", WA_ME);
  await screenshot(demoPage, "widget-demo-page", { fullPage: true });
  await demoPage.close();

  // ---- A site that is not in WIDGET_ALLOWED_ORIGINS cannot use the widget (the browser's CORS) ----
  const site = await foreignSite(hostilePage(base));
  const other = await browser.newContext();
  try {
    const blocked = await other.newPage();
    await blocked.goto(site.url);
    await expect(blocked.locator("townwire-signup .m"), "unavailable message").toContainText("nicht möglich");
    await expect(blocked.locator("townwire-signup input"), "foreign site got no channels").toHaveCount(0);
    await screenshot(blocked, "widget-foreign-site");
  } finally {
    await other.close();
    await site.close();
  }
});
