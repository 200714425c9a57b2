// The sign-up widget in headless Chromium, end to end: a town page with hostile CSS (served as the
// allowed site origin) embeds widget.js from the worker; the widget renders intact in its shadow
// DOM and leaves the page's own styles alone; the citizen picks channels; on desktop the QR code and
// the wa.me link with the code appear; the prefilled message sent from the simulated phone
// subscribes exactly those channels and the bot's reply reaches the phone. On a phone the button
// opens wa.me directly. The simulator's demo page (/__dev/widget-demo) works the same way. A site that is not allowed gets no config (CORS). Only the worker's origin
// is ever contacted, and no cookies are set. Screenshots go to test-artifacts/.
/* global document, getComputedStyle, HTMLImageElement -- browser globals inside page.evaluate callbacks */
import { createServer } from "node:http";
import { join } from "node:path";
import { apiLogin, assert, poll } from "./lib.mjs";

export const title = "sign-up widget: hostile page CSS, shadow DOM, channels → code → QR/wa.me → subscribed";

const TIMEOUT = 15_000;
const SITE = "http://127.0.0.1:9"; // WIDGET_ALLOWED_ORIGINS in test/e2e/lib.mjs
const CITIZEN = "436609990001";

const HOSTILE_CSS = `
* { all: unset !important; font-size: 40px !important; color: red !important; font-family: "Comic Sans MS", cursive !important; }
html, body { display: block !important; background: #fffbe6 !important; }
head { display: none !important; }
p, h1 { display: block !important; }
div, form, label, button, input, img, a, fieldset { display: none !important; visibility: hidden !important; }
townwire-signup { transform: rotate(8deg) !important; opacity: 0.1 !important; max-width: 90px !important; }
:root { --tw-color: red !important; }
`;

function hostilePage(baseUrl, attrs = "") {
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
async function openAllowedSite(context, html, base) {
  const page = await context.newPage();
  const requests = [];
  const corsSeen = [];
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
async function foreignSite(html) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export default async function (t) {
  const base = t.baseUrl;
  const seeded = await fetch(`${base}/__dev/seed`, { method: "POST" });
  assert(seeded.ok, `seed: ${seeded.status} ${await seeded.text()}`);

  // ---- Desktop, hostile page at the allowed origin ----
  const desktop = await t.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const { page, requests, corsSeen } = await openAllowedSite(desktop, hostilePage(base), base);
  const boxes = page.locator("townwire-signup input[type=checkbox]");
  await boxes.first().waitFor({ state: "visible", timeout: TIMEOUT });
  const ids = await boxes.evaluateAll((els) => els.map((e) => e.value));
  // Exactly the channels the worker offers (other browser tests may have added some), in its order.
  const offered = (await (await fetch(`${base}/api/public/widget-config`)).json()).channels.map((c) => c.id);
  for (const demo of ["ch_newsletter", "ch_adhoc", "ch_events", "ch_freibad", "ch_brueckenlauf"]) {
    assert(offered.includes(demo), `demo channel ${demo} not offered: ${offered}`);
  }
  assert(
    JSON.stringify(ids) === JSON.stringify(offered),
    `channels shown: ${ids}, offered: ${offered}`,
  );
  const checked = await boxes.evaluateAll((els) => els.filter((e) => e.checked).map((e) => e.value));
  assert(JSON.stringify(checked) === JSON.stringify(["ch_newsletter", "ch_adhoc"]), `default-on preselected: ${checked}`);

  // The widget keeps its own look; the page keeps its own (hostile) look.
  const looks = await page.evaluate(() => {
    const host = document.querySelector("townwire-signup");
    const root = host.shadowRoot;
    const style = (el) => getComputedStyle(el);
    const form = root.querySelector("form");
    const h2 = root.querySelector("h2");
    const button = root.querySelector("button");
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
      labelDisplay: style(root.querySelector("label")).display,
      hostText: style(document.getElementById("host-text")).fontSize,
      hostColor: style(document.getElementById("host-text")).color,
      divsOnPage: document.querySelectorAll("div").length,
    };
  });
  assert(looks.hostDisplay === "block" && looks.hostOpacity === "1" && looks.hostTransform === "none", `host styles leaked in: ${JSON.stringify(looks)}`);
  assert(looks.formDisplay === "block" && looks.buttonDisplay === "block" && looks.labelDisplay === "flex", `widget hidden: ${JSON.stringify(looks)}`);
  assert(looks.formWidth > 300 && looks.formWidth <= 481 && looks.formHeight > 200, `widget size: ${JSON.stringify(looks)}`);
  assert(looks.h2Size === "19px" && looks.h2Color === "rgb(28, 30, 33)", `heading: ${JSON.stringify(looks)}`);
  assert(looks.h2Text === "Gemeinde-News aufs Handy", `data-title ignored: ${looks.h2Text}`);
  assert(looks.buttonBg === "rgb(122, 31, 31)", `data-color ignored: ${looks.buttonBg}`);
  assert(looks.hostText === "40px" && looks.hostColor === "rgb(255, 0, 0)", `widget changed the page: ${JSON.stringify(looks)}`);
  assert(looks.divsOnPage === 0, "widget added elements to the page outside its host");
  await page.screenshot({ path: join(t.artifacts, "widget-hostile-page.png"), fullPage: true });

  // Choose: Events and Freibad only.
  await page.locator("townwire-signup input[value=ch_newsletter]").uncheck();
  await page.locator("townwire-signup input[value=ch_adhoc]").uncheck();
  await page.locator("townwire-signup input[value=ch_events]").check();
  await page.locator("townwire-signup input[value=ch_freibad]").check();
  await page.locator("townwire-signup button").click();
  const link = page.locator("townwire-signup .q a");
  await link.waitFor({ state: "visible", timeout: TIMEOUT });
  const href = await link.getAttribute("href");
  const match = /^https:\/\/wa\.me\/436641234567\?text=ANMELDEN%20([2-9A-HJKMNP-Z]{4})$/.exec(href ?? "");
  assert(match, `wa.me link: ${href}`);
  const code = match[1];
  const qrLoaded = await poll("QR image", () =>
    page.evaluate(() => {
      const img = document.querySelector("townwire-signup").shadowRoot.querySelector(".q img");
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0 ? { src: img.src, w: img.getBoundingClientRect().width } : null;
    }),
  );
  assert(qrLoaded.src === `${base}/api/public/signup-codes/${code}/qr.svg`, `QR src: ${qrLoaded.src}`);
  assert(qrLoaded.w === 200, `QR rendered at ${qrLoaded.w}px`);
  const sendText = await page.locator("townwire-signup .q p.n").textContent();
  assert(sendText.includes(`„ANMELDEN ${code}“`) && sendText.includes("+436641234567"), `fallback text: ${sendText}`);
  await page.screenshot({ path: join(t.artifacts, "widget-qr.png"), fullPage: true });

  // Only the page itself and the worker were contacted; no cookies anywhere.
  const foreign = requests.filter((u) => !u.startsWith(`${SITE}/`) && !u.startsWith(`${base}/`));
  assert(foreign.length === 0, `third-party requests: ${foreign.join(", ")}`);
  assert(requests.some((u) => u === `${base}/api/public/widget-config`), "config not fetched from the worker");
  assert(corsSeen.length >= 2 && corsSeen.every((o) => o === SITE), `worker CORS answers: ${JSON.stringify(corsSeen)}`);
  const cookies = await desktop.cookies();
  assert(cookies.length === 0, `cookies set: ${JSON.stringify(cookies)}`);
  await desktop.close();

  // ---- The citizen sends the prefilled message from the (simulated) phone → subscribed ----
  const sent = await fetch(`${base}/__dev/api/phones/${CITIZEN}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ name: "Widget Test", message: { type: "text", text: `ANMELDEN ${code}` } }),
  });
  assert(sent.status === 201, `phone send: ${sent.status} ${await sent.text()}`);
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const subscriber = await poll("subscription", async () => {
    const res = await fetch(`${base}/api/subscribers?q=${CITIZEN}`, { headers: admin });
    const body = await res.json();
    const s = body.subscribers?.[0];
    return s && s.channels.length ? s : null;
  });
  assert(JSON.stringify(subscriber.channels) === JSON.stringify(["ch_events", "ch_freibad"]), `subscribed: ${subscriber.channels}`);
  const detail = await (await fetch(`${base}/api/subscribers/${subscriber.id}`, { headers: admin })).json();
  assert(detail.consent.every((e) => e.source === "widget_code" && e.action === "subscribe"), `consent: ${JSON.stringify(detail.consent)}`);
  const reply = await poll("bot reply on the phone", async () => {
    const chat = await (await fetch(`${base}/__dev/api/phones/${CITIZEN}/messages`)).json();
    return JSON.stringify(chat).includes("Sie sind jetzt angemeldet für: Events, Freibad") ? chat : null;
  });
  assert(reply, "no reply");

  // ---- On a phone the button opens WhatsApp directly ----
  const phone = await t.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
  });
  let opened = null;
  await phone.route("https://wa.me/**", (route) => {
    opened = route.request().url();
    return route.fulfill({ status: 200, contentType: "text/html", body: "<p>WhatsApp</p>" });
  });
  const mobile = await openAllowedSite(phone, hostilePage(base, 'data-channels="ch_brueckenlauf"'), base);
  const onlyOne = mobile.page.locator("townwire-signup input[type=checkbox]");
  await onlyOne.first().waitFor({ state: "visible", timeout: TIMEOUT });
  assert((await onlyOne.count()) === 1 && (await onlyOne.first().isChecked()), "data-channels should show and preselect one channel");
  await mobile.page.screenshot({ path: join(t.artifacts, "widget-phone.png") });
  await mobile.page.locator("townwire-signup button").click();
  await poll("wa.me navigation", () => opened);
  assert(/^https:\/\/wa\.me\/436641234567\?text=ANMELDEN%20[2-9A-HJKMNP-Z]{4}$/.test(opened), `phone opened ${opened}`);
  await phone.close();

  // ---- The simulator's demo page (same origin as the worker) embeds the widget too ----
  const demo = await t.browser.newContext({ viewport: { width: 1000, height: 1100 } });
  try {
    const demoPage = await demo.newPage();
    await demoPage.goto(`${base}/__dev/widget-demo`);
    await demoPage.locator("townwire-signup input[type=checkbox]").first().waitFor({ state: "visible", timeout: TIMEOUT });
    await demoPage.locator("townwire-signup button").click();
    const demoLink = demoPage.locator("townwire-signup .q a");
    await demoLink.waitFor({ state: "visible", timeout: TIMEOUT });
    assert(/^https:\/\/wa\.me\/436641234567\?text=ANMELDEN%20[2-9A-HJKMNP-Z]{4}$/.test((await demoLink.getAttribute("href")) ?? ""), "demo page link");
    await demoPage.screenshot({ path: join(t.artifacts, "widget-demo-page.png"), fullPage: true });
  } finally {
    await demo.close();
  }

  // ---- A site that is not in WIDGET_ALLOWED_ORIGINS cannot use the widget (the browser's CORS) ----
  const site = await foreignSite(hostilePage(base));
  const other = await t.browser.newContext();
  try {
    const blocked = await other.newPage();
    await blocked.goto(site.url);
    const message = blocked.locator("townwire-signup .m");
    await poll("unavailable message", async () => ((await message.textContent()) ?? "").includes("nicht möglich"));
    assert((await blocked.locator("townwire-signup input").count()) === 0, "foreign site got channels");
    await blocked.screenshot({ path: join(t.artifacts, "widget-foreign-site.png") });
  } finally {
    await other.close();
    await site.close();
  }
}
