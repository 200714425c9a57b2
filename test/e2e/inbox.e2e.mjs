// The staff app end to end: two staff in two browser contexts work the shared inbox live.
// A citizen writes in through the signed webhook; both see it without reload; A claims, B sees the
// claim and cannot reply; A replies and the reply reaches the fake Graph API (simulator) and turns
// "Gesendet"; B drops its connection, misses an event and catches up on reconnect; a photo arrives
// and opens in the dialog. Screenshots of the main screens go to test-artifacts/.
/* global FormData, Blob, document, HTMLImageElement -- Node 22 globals, and browser globals inside page.evaluate callbacks */
import { join } from "node:path";
import { apiLogin, assert, messageWebhook, pngOf, poll } from "./lib.mjs";

export const title = "staff inbox: live updates for two staff, claim, reply, reconnect catch-up, photo";

const TIMEOUT = 15_000;

async function apiCall(base, headers, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => null);
  return { status: res.status, data };
}

function textWebhook(waId, name, wamid, body) {
  return messageWebhook(waId, name, { id: wamid, type: "text", text: { body } });
}


/** A real 160×120 PNG (a green park with a brown bench), so the browser has something to decode. */
function demoPng() {
  return pngOf(160, 120, (x, y) => {
    const bench = y > 60 && y < 80 && x > 30 && x < 130;
    const sky = y < 40;
    return bench ? [120, 72, 30] : sky ? [150, 200, 240] : [60, 150, 70];
  });
}

/** Puts a photo into the fake Graph API, as if the citizen's phone had uploaded it to WhatsApp. */
async function uploadToFakeGraph(env) {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", "image/png");
  form.set("file", new Blob([demoPng()], { type: "image/png" }), "bank.png");
  const res = await fetch(`${env.WHATSAPP_API_BASE}/${env.WHATSAPP_PHONE_NUMBER_ID}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.WHATSAPP_ACCESS_TOKEN}` },
    body: form,
  });
  const text = await res.text();
  assert(res.ok, `fake Graph media upload: ${res.status} ${text}`);
  return JSON.parse(text).id;
}

async function signIn(page, base, email, password, shotPath) {
  await page.goto(`${base}/`);
  await page.getByLabel("E-Mail-Adresse").waitFor({ timeout: TIMEOUT });
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(password);
  if (shotPath) await page.screenshot({ path: shotPath });
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.getByRole("navigation", { name: "Hauptnavigation" }).waitFor({ timeout: TIMEOUT });
  await page.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });
}

const convLink = (page, id) => page.locator(`.conv-list a[data-conv-id="${id}"]`);

export default async function (t) {
  const base = t.baseUrl;
  const shot = (name) => join(t.artifacts, `inbox-${name}.png`);
  const run = Date.now().toString(36);

  // Admin creates two agents through the API.
  const admin = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const anna = { email: `anna.${run}@gemeinde.test`, name: "Anna Berger", password: "anna-passwort-123" };
  const maria = { email: `maria.${run}@gemeinde.test`, name: "Maria Huber", password: "maria-passwort-123" };
  for (const s of [anna, maria]) {
    const res = await apiCall(base, admin, "POST", "/api/staff", { email: s.email, name: s.name, role: "agent", password: s.password });
    assert(res.status === 201, `create ${s.name}: ${res.status} ${JSON.stringify(res.data)}`);
  }

  const ctxA = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  const ctxB = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  try {
    const pageA = await ctxA.newPage();
    const pageB = await ctxB.newPage();
    const errors = [];
    for (const p of [pageA, pageB]) p.on("pageerror", (e) => errors.push(e.message));

    // B's websocket runs through a proxy the test can cut, to simulate a network drop.
    let cutB = false;
    let bSocket = null;
    await pageB.routeWebSocket(/\/parties\/inbox\/main/, (ws) => {
      if (cutB) {
        ws.close({ code: 1006, reason: "offline" });
        return;
      }
      ws.connectToServer();
      bSocket = ws;
    });

    await signIn(pageA, base, anna.email, anna.password, shot("login"));
    await signIn(pageB, base, maria.email, maria.password);

    // A citizen writes in (signed webhook, as Meta sends it): both see it live, without reload.
    const waId = `43660${String(Date.now()).slice(-7)}`;
    const citizen = "Franz Müller";
    await t.signedWebhook(textWebhook(waId, citizen, `wamid.e2e.${run}.1`, "Grüß Gott! Beim Spielplatz in der Lindengasse ist eine Bank beschmiert."));
    const found = await apiCall(base, admin, "GET", `/api/conversations?status=open&q=${waId}`);
    const convId = found.data?.conversations?.[0]?.id;
    assert(found.status === 200 && convId, `conversation of ${waId}: ${JSON.stringify(found.data)}`);
    await convLink(pageA, convId).waitFor({ timeout: TIMEOUT });
    await convLink(pageB, convId).waitFor({ timeout: TIMEOUT });
    const badge = await convLink(pageA, convId).locator(".badge").textContent();
    assert(badge?.trim() === "1", `unread badge should be 1, was ${badge}`);
    await pageA.screenshot({ path: shot("list") });

    // Keyboard (B): focus the list, arrow down to the conversation, open it with Enter.
    await pageB.locator('.conv-list a[tabindex="0"]').focus();
    const ids = await pageB.locator(".conv-list a").evaluateAll((as) => as.map((a) => a.dataset.convId));
    for (let i = 0; i < ids.indexOf(convId); i++) await pageB.keyboard.press("ArrowDown");
    assert((await pageB.evaluate(() => document.activeElement?.dataset.convId)) === convId, "arrow keys move the focus through the list");
    await pageB.keyboard.press("Enter");
    await pageB.getByRole("heading", { name: citizen, level: 2 }).waitFor({ timeout: TIMEOUT });

    // A opens it and sees that Maria is looking at it too.
    await convLink(pageA, convId).click();
    await pageA.getByRole("heading", { name: citizen, level: 2 }).waitFor({ timeout: TIMEOUT });
    await pageA.getByText("Maria Huber sieht sich dieses Gespräch auch an").waitFor({ timeout: TIMEOUT });
    await pageA.getByText("Antwort möglich noch 23 Std.").or(pageA.getByText("Antwort möglich noch 24 Std.")).first().waitFor({ timeout: TIMEOUT });

    // A claims; B sees the claim live and is stopped from replying.
    await pageA.locator(".conv-actions").getByRole("button", { name: "Übernehmen" }).click();
    await pageA.getByText("Ihnen zugewiesen").waitFor({ timeout: TIMEOUT });
    await pageB.getByText("Anna Berger bearbeitet dieses Gespräch.").waitFor({ timeout: TIMEOUT });
    const bBox = pageB.getByLabel(`Antwort an ${citizen}`);
    assert(await bBox.isDisabled(), "B's reply box must be disabled while Anna holds the conversation");
    assert(await pageB.locator(".reply").getByRole("button", { name: "Senden" }).isDisabled(), "B's send button must be disabled");
    // The server enforces it too: B's reply through the API is refused with 409 and who holds it.
    const maria409 = await apiCall(base, await apiLogin(base, maria.email, maria.password), "POST", `/api/conversations/${convId}/messages`, { text: "Ich auch!" });
    assert(maria409.status === 409 && maria409.data?.error?.details?.assignee?.name === "Anna Berger", `B's API reply: ${maria409.status} ${JSON.stringify(maria409.data)}`);
    await pageB.screenshot({ path: shot("claim-banner") });

    // A types: B sees it. Then A sends; the reply reaches the fake Graph API and turns "Gesendet".
    const replyText = "Danke für die Meldung! Wir schicken heute noch jemanden vorbei.";
    const aBox = pageA.getByLabel(`Antwort an ${citizen}`);
    await aBox.pressSequentially("Danke", { delay: 20 });
    await pageB.getByText("Anna Berger schreibt gerade …").waitFor({ timeout: TIMEOUT });
    await aBox.fill(replyText);
    await pageA.locator(".reply").getByRole("button", { name: "Senden" }).click();
    const outA = pageA.locator(".msg-out", { hasText: replyText });
    await outA.waitFor({ timeout: TIMEOUT });
    await outA.locator('.msg-status[data-status="sent"], .msg-status[data-status="delivered"], .msg-status[data-status="read"]').waitFor({ timeout: TIMEOUT });
    await pageB.locator(".msg-out", { hasText: replyText }).waitFor({ timeout: TIMEOUT });
    const chat = await poll("the reply at the simulated phone", async () => {
      const res = await fetch(`${base}/__dev/api/phones/${waId}/messages`);
      const data = await res.json();
      const list = Array.isArray(data) ? data : (data.messages ?? []);
      return list.find((m) => m.direction === "out" && JSON.stringify(m.content).includes("Wir schicken heute"));
    });
    assert(chat, "reply reached the fake Graph API");

    // A replies with a photo (uploaded to /api/media first); it reaches the phone as an image.
    await pageA.locator('.reply input[type="file"]').setInputFiles({ name: "plan.png", mimeType: "image/png", buffer: demoPng() });
    await pageA.getByRole("img", { name: "Angehängtes Foto plan.png" }).waitFor({ timeout: TIMEOUT });
    await aBox.fill("Hier der Plan für die Reparatur.");
    await pageA.locator(".reply").getByRole("button", { name: "Senden" }).click();
    const photoOut = pageA.locator(".msg-out", { hasText: "Hier der Plan für die Reparatur." });
    await photoOut.locator(".thumb img").waitFor({ timeout: TIMEOUT });
    await poll("the photo reply at the simulated phone", async () => {
      const res = await fetch(`${base}/__dev/api/phones/${waId}/messages`);
      const data = await res.json();
      const list = Array.isArray(data) ? data : (data.messages ?? []);
      return list.some((m) => m.direction === "out" && m.type === "image");
    });

    // An internal note looks different and is never sent.
    await pageA.locator(".reply-modes").getByRole("button", { name: "Interne Notiz" }).click();
    await pageA.getByLabel("Interne Notiz", { exact: true }).fill("Bauhof informiert, Termin morgen 8 Uhr.");
    await pageA.getByRole("button", { name: "Notiz speichern" }).click();
    await pageA.locator(".msg-note", { hasText: "Bauhof informiert" }).getByText("Interne Notiz – nicht an Bürger:in gesendet").waitFor({ timeout: TIMEOUT });
    await pageB.locator(".msg-note", { hasText: "Bauhof informiert" }).waitFor({ timeout: TIMEOUT });
    await pageA.locator(".reply-modes").getByRole("button", { name: "Antwort an Bürger:in" }).click();

    // B loses its connection; a message arrives meanwhile; after reconnecting B catches up.
    cutB = true;
    bSocket?.close({ code: 1006, reason: "offline" });
    await pageB.locator('.conn[data-state="reconnecting"]').waitFor({ timeout: TIMEOUT });
    await pageB.getByText("Verbindung wird wiederhergestellt …").waitFor({ timeout: TIMEOUT });
    const missed = "Und der Mistkübel daneben ist auch voll.";
    await t.signedWebhook(textWebhook(waId, citizen, `wamid.e2e.${run}.2`, missed));
    await pageA.locator(".msg-in", { hasText: missed }).waitFor({ timeout: TIMEOUT });
    assert((await pageB.locator(".msg-in", { hasText: missed }).count()) === 0, "B is offline and cannot have the message yet");
    cutB = false;
    await pageB.locator('.conn[data-state="live"]').waitFor({ timeout: TIMEOUT });
    await pageB.locator(".msg-in", { hasText: missed }).waitFor({ timeout: TIMEOUT });

    // A photo message: the media id is served by the fake Graph API; the worker fetches it to R2.
    const mediaId = await uploadToFakeGraph(t.env);
    await t.signedWebhook(messageWebhook(waId, citizen, { id: `wamid.e2e.${run}.3`, type: "image", image: { id: mediaId, mime_type: "image/png", sha256: "x", caption: "So sieht die Bank aus" } }));
    const thumb = pageA.locator(".msg-in").getByRole("button", { name: "Foto vergrößern" });
    await thumb.waitFor({ timeout: 30_000 });
    await pageA.waitForFunction(() => {
      const img = document.querySelector(".msg-in .thumb img");
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
    }, null, { timeout: TIMEOUT });
    await pageB.locator(".msg-in").getByRole("img", { name: `Foto von ${citizen}` }).waitFor({ timeout: TIMEOUT });
    await pageA.screenshot({ path: shot("conversation") });
    await thumb.click();
    const dialog = pageA.getByRole("dialog", { name: `Foto von ${citizen}` });
    await dialog.waitFor({ timeout: TIMEOUT });
    const size = await dialog.locator("img").evaluate((img) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    assert(size.w === 160 && size.h === 120, `enlarged photo has the uploaded size, got ${JSON.stringify(size)}`);
    await pageA.screenshot({ path: shot("photo-dialog") });
    await pageA.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", timeout: TIMEOUT });

    // B takes the conversation over (with confirmation) and replies; A sees the new holder live.
    await pageB.locator(".claim-banner").getByRole("button", { name: "Übernehmen" }).click();
    const confirm = pageB.getByRole("dialog", { name: "Gespräch übernehmen?" });
    await confirm.waitFor({ timeout: TIMEOUT });
    await confirm.getByRole("button", { name: "Übernehmen" }).click();
    await poll("the focus in B's reply box after the takeover", () => pageB.getByLabel(`Antwort an ${citizen}`).evaluate((el) => el === document.activeElement));
    await pageB.getByLabel(`Antwort an ${citizen}`).fill("Ich übernehme ab hier, Frau Berger ist im Außendienst.");
    await pageB.getByRole("button", { name: "Übernehmen und senden" }).click();
    await pageB.getByText("Ihnen zugewiesen").waitFor({ timeout: TIMEOUT });
    await pageA.getByText("Maria Huber bearbeitet dieses Gespräch.").waitFor({ timeout: TIMEOUT });
    assert(await pageA.getByLabel(`Antwort an ${citizen}`).isDisabled(), "after the takeover A is the one stopped from replying");

    // English is one click away and is remembered.
    await pageB.getByRole("button", { name: "Sprache wechseln: English" }).click();
    await pageB.getByRole("link", { name: "Inbox" }).waitFor({ timeout: TIMEOUT });
    await pageB.reload();
    await pageB.getByRole("link", { name: "Inbox" }).waitFor({ timeout: TIMEOUT });
    await pageB.getByText("Assigned to you").waitFor({ timeout: TIMEOUT });

    // An admin disables Maria: her open app loses access at once and shows the sign-in form.
    const mariaId = (await apiCall(base, admin, "GET", "/api/staff")).data.staff.find((s) => s.email === maria.email).id;
    const disabled = await apiCall(base, admin, "PATCH", `/api/staff/${mariaId}`, { disabled: true });
    assert(disabled.status === 200, `disable Maria: ${disabled.status}`);
    await pageB.getByRole("button", { name: "Sign in" }).waitFor({ timeout: TIMEOUT });
    await pageB.getByText("Your session has ended. Please sign in again.").waitFor({ timeout: TIMEOUT });

    // Anna signs out.
    await pageA.getByRole("button", { name: /^Konto von / }).click();
    await pageA.getByRole("button", { name: "Abmelden" }).click();
    await pageA.getByRole("button", { name: "Anmelden" }).waitFor({ timeout: TIMEOUT });

    assert(errors.length === 0, `browser errors: ${errors.join("; ")}`);
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
}
