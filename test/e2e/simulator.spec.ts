// The WhatsApp simulator's phone page end to end: a person acting as a citizen sends a text, a
// photo and a location from the browser; the worker stores them (checked through the staff API);
// the town's reply shows up on the phone without reload and turns "read"; tapping a reply button
// sends an interactive reply the worker stores.
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";

const WA_ID = "436641239001";
const NAME = "Erika Simulator";

interface Message {
  id: string;
  direction: "in" | "out";
  type: string;
  text: string | null;
  status: string;
  mediaStatus?: string;
  mediaUrl?: string;
  location?: { latitude: number } | null;
}

test("WhatsApp simulator: phone page sends text, photo, location and a button reply; town reply arrives live", async ({ page, server, request, adminApi }) => {
  const errors = pageErrors(page);
  const messages = async (id: string) => (await adminApi.json<{ messages: Message[] }>("GET", `/api/conversations/${id}`)).messages;

  await page.goto("/__dev/phone");
  await expect(page.locator("#people button[data-wa-id]").first()).toBeVisible();
  await expectAccessible(page, "simulator phone page");

  // Open a new citizen's phone and write to the town.
  await page.locator("#new-wa").fill(`+${WA_ID}`);
  await page.locator("#new-name").fill(NAME);
  await page.locator("#open-phone").click();
  const question = "Grüß Gott! Die Straßenlaterne in der Hauptstraße 12 ist seit gestern kaputt.";
  await page.locator("#text").fill(question);
  await page.locator("#send").click();
  await expect(page.locator('.msg.in[data-type="text"][data-status="delivered"]')).toBeVisible();

  // The worker stored it: the staff inbox has the conversation with the citizen's profile name.
  let conv: { id: string; citizen: { waId: string; name: string } } | undefined;
  await expect
    .poll(async () => {
      const list = await adminApi.json<{ conversations: NonNullable<typeof conv>[] }>("GET", "/api/conversations?status=open");
      conv = list.conversations.find((c) => c.citizen.waId === WA_ID);
      return conv?.citizen.name;
    }, { message: "the conversation in the staff inbox, with the citizen's name" })
    .toBe(NAME);
  const convId = conv?.id ?? "";
  expect((await messages(convId)).some((m) => m.direction === "in" && m.text === question), "question stored").toBe(true);

  // A photo (a screenshot of the page itself serves as the picture).
  const photo = await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
  await page.locator("#photo").setInputFiles({ name: "laterne.png", mimeType: "image/png", buffer: photo });
  await expect(page.locator("#attachment:not([hidden]) img")).toBeVisible();
  await page.locator("#text").fill("So sieht sie aus");
  await page.locator("#send").click();
  await expect(page.locator('.msg.in[data-type="image"][data-status="delivered"] img')).toBeVisible();
  // The worker fetched the photo from the simulator's Graph API into R2.
  let image: Message | undefined;
  await expect
    .poll(async () => {
      image = (await messages(convId)).find((m) => m.type === "image" && m.mediaStatus === "stored");
      return image?.text;
    }, { message: "the photo stored, with its caption" })
    .toBe("So sieht sie aus");
  const file = await adminApi.request.get(image?.mediaUrl ?? "");
  expect(file.status(), "media").toBe(200);
  expect(file.headers()["content-type"], "media type").toMatch(/^image\//);
  expect((await file.body()).byteLength, "stored photo is not empty").toBeGreaterThan(100);

  // A location, picked from the presets.
  await page.locator("#loc-btn").click();
  await page.locator("#presets button", { hasText: "Hauptplatz" }).click();
  await page.locator("#loc-send").click();
  await expect(page.locator('.msg.in[data-type="location"][data-status="delivered"]')).toBeVisible();
  await expect
    .poll(async () => (await messages(convId)).some((m) => m.type === "location" && !!m.location && Math.abs(m.location.latitude - 47.07107) < 1e-6), { message: "the location to be stored" })
    .toBe(true);

  // The town replies from the inbox: it appears on the phone without reload, then turns "read".
  const reply = "Danke für die Meldung! Wir schicken heute noch jemanden vorbei.";
  const sent = await adminApi.json<{ message: { id: string } }>("POST", `/api/conversations/${convId}/messages`, { text: reply, takeover: true });
  await expect(page.locator(".msg.out", { hasText: reply })).toBeVisible();
  await expect
    .poll(async () => (await messages(convId)).find((m) => m.id === sent.message.id)?.status, { message: "the reply to be read" })
    .toBe("read");

  // The town asks with reply buttons (sent through the fake Graph API as the worker would); the citizen taps one.
  const buttons = await request.post(`${server.env.WHATSAPP_API_BASE}/${server.env.WHATSAPP_PHONE_NUMBER_ID}/messages`, {
    headers: { authorization: `Bearer ${server.env.WHATSAPP_ACCESS_TOKEN}` },
    data: {
      messaging_product: "whatsapp",
      to: WA_ID,
      type: "interactive",
      interactive: { type: "button", body: { text: "Brennt die Laterne wieder?" }, action: { buttons: [{ type: "reply", reply: { id: "lamp_ok", title: "Ja, danke" } }, { type: "reply", reply: { id: "lamp_broken", title: "Nein" } }] } },
    },
  });
  expect(buttons.status(), "fake Graph send").toBe(200);
  await page.locator('.msg.out .choices button[data-reply-id="lamp_ok"]').click();
  await expect(page.locator('.msg.in[data-type="interactive"][data-status="delivered"]')).toBeVisible();
  await expect
    .poll(async () => (await messages(convId)).some((m) => m.type === "interactive" && m.text === "Ja, danke"), { message: "the button reply to be stored" })
    .toBe(true);

  await screenshot(page, "simulator-phone");
  await expectAccessible(page, "simulator phone with a conversation");
  expect(errors, "page errors").toEqual([]);
});
