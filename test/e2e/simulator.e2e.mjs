// The WhatsApp simulator's phone page end to end: a person acting as a citizen sends a text, a
// photo and a location from the browser; the worker stores them (checked through the staff API);
// the town's reply shows up on the phone without reload and turns "read"; tapping a reply button
// sends an interactive reply the worker stores. Screenshot: test-artifacts/simulator-phone.png.
import { join } from "node:path";
import { assert, poll } from "./lib.mjs";

export const title = "WhatsApp simulator: phone page sends text, photo, location and a button reply; town reply arrives live";

const TIMEOUT = 15_000;
const WA_ID = "436641239001";
const NAME = "Erika Simulator";

async function staffApi(base, env) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`staff login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, origin: base, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  call.cookie = cookie;
  return call;
}

export default async function (t) {
  const base = t.baseUrl;
  const page = await t.browser.newPage({ viewport: { width: 1100, height: 860 } });
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  try {
    await page.goto(`${base}/__dev/phone`);
    await page.waitForSelector("#people button[data-wa-id]", { timeout: TIMEOUT });

    // Open a new citizen's phone and write to the town.
    await page.fill("#new-wa", `+${WA_ID}`);
    await page.fill("#new-name", NAME);
    await page.click("#open-phone");
    const question = "Grüß Gott! Die Straßenlaterne in der Hauptstraße 12 ist seit gestern kaputt.";
    await page.fill("#text", question);
    await page.click("#send");
    await page.waitForSelector('.msg.in[data-type="text"][data-status="delivered"]', { timeout: TIMEOUT });

    // The worker stored it: the staff inbox has the conversation with the citizen's profile name.
    const api = await staffApi(base, t.env);
    const conv = await poll("the conversation in the staff inbox", async () => {
      const list = await api("GET", "/api/conversations?status=open");
      return list.conversations.find((c) => c.citizen.waId === WA_ID);
    });
    assert(conv.citizen.name === NAME, `citizen name ${conv.citizen.name}`);
    const detail = await api("GET", `/api/conversations/${conv.id}`);
    assert(detail.messages.some((m) => m.direction === "in" && m.text === question), "question not stored");

    // A photo (a screenshot of the page itself serves as the picture).
    const photo = await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
    await page.setInputFiles("#photo", { name: "laterne.png", mimeType: "image/png", buffer: photo });
    await page.waitForSelector("#attachment:not([hidden]) img", { timeout: TIMEOUT });
    await page.fill("#text", "So sieht sie aus");
    await page.click("#send");
    await page.waitForSelector('.msg.in[data-type="image"][data-status="delivered"] img', { timeout: TIMEOUT });
    // The worker fetched the photo from the simulator's Graph API into R2.
    const image = await poll("the photo to be stored", async () => {
      const d = await api("GET", `/api/conversations/${conv.id}`);
      return d.messages.find((m) => m.type === "image" && m.mediaStatus === "stored");
    });
    assert(image.text === "So sieht sie aus", `caption ${image.text}`);
    const file = await fetch(`${base}${image.mediaUrl}`, { headers: { cookie: api.cookie } });
    assert(file.status === 200 && file.headers.get("content-type")?.startsWith("image/"), `media answered ${file.status} ${file.headers.get("content-type")}`);
    assert((await file.arrayBuffer()).byteLength > 100, "stored photo is empty");

    // A location, picked from the presets.
    await page.click("#loc-btn");
    await page.click('#presets button:has-text("Hauptplatz")');
    await page.click("#loc-send");
    await page.waitForSelector('.msg.in[data-type="location"][data-status="delivered"]', { timeout: TIMEOUT });
    await poll("the location to be stored", async () => {
      const d = await api("GET", `/api/conversations/${conv.id}`);
      return d.messages.find((m) => m.type === "location" && m.location && Math.abs(m.location.latitude - 47.07107) < 1e-6);
    });

    // The town replies from the inbox: it appears on the phone without reload, then turns "read".
    const reply = "Danke für die Meldung! Wir schicken heute noch jemanden vorbei.";
    const sent = await api("POST", `/api/conversations/${conv.id}/messages`, { text: reply, takeover: true });
    await page.waitForSelector(`.msg.out:has-text("${reply}")`, { timeout: TIMEOUT });
    await poll("the reply to be read", async () => {
      const d = await api("GET", `/api/conversations/${conv.id}`);
      return d.messages.find((m) => m.id === sent.message.id && m.status === "read");
    });

    // The town asks with reply buttons (sent through the fake Graph API as the worker would); the citizen taps one.
    const buttons = await fetch(`${base}/__dev/graph/v23.0/${t.env.WHATSAPP_PHONE_NUMBER_ID}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.env.WHATSAPP_ACCESS_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        messaging_product: "whatsapp",
        to: WA_ID,
        type: "interactive",
        interactive: { type: "button", body: { text: "Brennt die Laterne wieder?" }, action: { buttons: [{ type: "reply", reply: { id: "lamp_ok", title: "Ja, danke" } }, { type: "reply", reply: { id: "lamp_broken", title: "Nein" } }] } },
      }),
    });
    assert(buttons.status === 200, `fake Graph send ${buttons.status}`);
    await page.click('.msg.out .choices button[data-reply-id="lamp_ok"]', { timeout: TIMEOUT });
    await page.waitForSelector('.msg.in[data-type="interactive"][data-status="delivered"]', { timeout: TIMEOUT });
    await poll("the button reply to be stored", async () => {
      const d = await api("GET", `/api/conversations/${conv.id}`);
      return d.messages.find((m) => m.type === "interactive" && m.text === "Ja, danke");
    });

    await page.screenshot({ path: join(t.artifacts, "simulator-phone.png"), fullPage: false });
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } catch (err) {
    await page.screenshot({ path: join(t.artifacts, "simulator-phone-failure.png") }).catch(() => {});
    throw err;
  } finally {
    await page.close();
  }
}
