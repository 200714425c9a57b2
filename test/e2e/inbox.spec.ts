// The staff app end to end: two staff in two browser contexts work the shared inbox live.
// A citizen writes in through the signed webhook; both see it without reload; A claims, B sees the
// claim and cannot reply; A replies and the reply reaches the fake Graph API (simulator) and turns
// "Gesendet"; B drops its connection, misses an event and catches up on reconnect; a photo arrives
// and opens in the dialog.
import type { Page, WebSocketRoute } from "@playwright/test";
import { messageWebhook, phoneMessages, pngOf, uploadToFakeGraph } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";

function textWebhook(waId: string, name: string, wamid: string, body: string) {
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

async function signIn(page: Page, email: string, password: string, checkLogin = false) {
  await page.goto("/");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(password);
  if (checkLogin) {
    await screenshot(page, "inbox-login");
    await expectAccessible(page, "login");
  }
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toBeVisible();
  await expect(page.locator('.conn[data-state="live"]')).toBeVisible();
}

const convLink = (page: Page, id: string) => page.locator(`.conv-list a[data-conv-id="${id}"]`);

test("staff inbox: live updates for two staff, claim, reply, reconnect catch-up, photo", async ({ page: pageA, browser, server, adminApi, loginApi }) => {
  const run = Date.now().toString(36);

  // Admin creates two agents through the API.
  const anna = { email: `anna.${run}@gemeinde.test`, name: "Anna Berger", password: "anna-passwort-123" };
  const maria = { email: `maria.${run}@gemeinde.test`, name: "Maria Huber", password: "maria-passwort-123" };
  for (const s of [anna, maria]) {
    const res = await adminApi.call("POST", "/api/staff", { email: s.email, name: s.name, role: "agent", password: s.password });
    expect(res.status, `create ${s.name}: ${JSON.stringify(res.data)}`).toBe(201);
  }

  const ctxB = await browser.newContext();
  try {
    const pageB = await ctxB.newPage();
    const errors = [pageErrors(pageA), pageErrors(pageB)];

    // B's websocket runs through a proxy the test can cut, to simulate a network drop.
    let cutB = false;
    let bSocket: WebSocketRoute | null = null;
    await pageB.routeWebSocket(/\/parties\/inbox\/main/, (ws) => {
      if (cutB) {
        void ws.close({ code: 1006, reason: "offline" });
        return;
      }
      ws.connectToServer();
      bSocket = ws;
    });

    await signIn(pageA, anna.email, anna.password, true);
    await signIn(pageB, maria.email, maria.password);

    // A citizen writes in (signed webhook, as Meta sends it): both see it live, without reload.
    const waId = `43660${String(Date.now()).slice(-7)}`;
    const citizen = "Franz Müller";
    await server.signedWebhook(textWebhook(waId, citizen, `wamid.e2e.${run}.1`, "Grüß Gott! Beim Spielplatz in der Lindengasse ist eine Bank beschmiert."));
    const found = await adminApi.call<{ conversations?: { id: string }[] }>("GET", `/api/conversations?status=open&q=${waId}`);
    const convId = found.data.conversations?.[0]?.id;
    expect(found.status).toBe(200);
    if (!convId) throw new Error(`conversation of ${waId}: ${JSON.stringify(found.data)}`);
    await expect(convLink(pageA, convId)).toBeVisible();
    await expect(convLink(pageB, convId)).toBeVisible();
    await expect(convLink(pageA, convId).locator(".badge"), "unread badge").toHaveText("1");
    await screenshot(pageA, "inbox-list");
    await expectAccessible(pageA, "inbox list");

    // Keyboard (B): focus the list, arrow down to the conversation, open it with Enter.
    await pageB.locator('.conv-list a[tabindex="0"]').focus();
    const ids = await pageB.locator(".conv-list a").evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset.convId));
    for (let i = 0; i < ids.indexOf(convId); i++) await pageB.keyboard.press("ArrowDown");
    await expect(convLink(pageB, convId), "arrow keys move the focus through the list").toBeFocused();
    await pageB.keyboard.press("Enter");
    await expect(pageB.getByRole("heading", { name: citizen, level: 2 })).toBeVisible();

    // A opens it and sees that Maria is looking at it too.
    await convLink(pageA, convId).click();
    await expect(pageA.getByRole("heading", { name: citizen, level: 2 })).toBeVisible();
    await expect(pageA.getByText("Maria Huber sieht sich dieses Gespräch auch an")).toBeVisible();
    await expect(pageA.getByText("Antwort möglich noch 23 Std.").or(pageA.getByText("Antwort möglich noch 24 Std.")).first()).toBeVisible();

    // A claims; B sees the claim live and is stopped from replying.
    await pageA.locator(".conv-actions").getByRole("button", { name: "Übernehmen" }).click();
    await expect(pageA.getByText("Ihnen zugewiesen")).toBeVisible();
    await expect(pageB.getByText("Anna Berger bearbeitet dieses Gespräch.")).toBeVisible();
    await expect(pageB.getByLabel(`Antwort an ${citizen}`), "B's reply box is disabled while Anna holds the conversation").toBeDisabled();
    await expect(pageB.locator(".reply").getByRole("button", { name: "Senden" }), "B's send button is disabled").toBeDisabled();
    // The server enforces it too: B's reply through the API is refused with 409 and who holds it.
    const mariaApi = await loginApi(maria.email, maria.password);
    const maria409 = await mariaApi.call<{ error?: { details?: { assignee?: { name?: string } } } }>("POST", `/api/conversations/${convId}/messages`, { text: "Ich auch!" });
    expect(maria409.status, `B's API reply: ${JSON.stringify(maria409.data)}`).toBe(409);
    expect(maria409.data.error?.details?.assignee?.name).toBe("Anna Berger");
    await screenshot(pageB, "inbox-claim-banner");
    await expectAccessible(pageB, "conversation held by a colleague");

    // A types: B sees it. Then A sends; the reply reaches the fake Graph API and turns "Gesendet".
    const replyText = "Danke für die Meldung! Wir schicken heute noch jemanden vorbei.";
    const aBox = pageA.getByLabel(`Antwort an ${citizen}`);
    await aBox.pressSequentially("Danke", { delay: 20 });
    await expect(pageB.getByText("Anna Berger schreibt gerade …")).toBeVisible();
    await aBox.fill(replyText);
    await pageA.locator(".reply").getByRole("button", { name: "Senden" }).click();
    const outA = pageA.locator(".msg-out", { hasText: replyText });
    await expect(outA).toBeVisible();
    await expect(outA.locator('.msg-status[data-status="sent"], .msg-status[data-status="delivered"], .msg-status[data-status="read"]')).toBeVisible();
    await expect(pageB.locator(".msg-out", { hasText: replyText })).toBeVisible();
    await expect
      .poll(async () => (await phoneMessages(server.baseUrl, waId)).some((m) => m.direction === "out" && JSON.stringify(m.content).includes("Wir schicken heute")), { message: "the reply reached the simulated phone" })
      .toBe(true);

    // A replies with a photo (uploaded to /api/media first); it reaches the phone as an image.
    await pageA.locator('.reply input[type="file"]').setInputFiles({ name: "plan.png", mimeType: "image/png", buffer: demoPng() });
    await expect(pageA.getByRole("img", { name: "Angehängtes Foto plan.png" })).toBeVisible();
    await aBox.fill("Hier der Plan für die Reparatur.");
    await pageA.locator(".reply").getByRole("button", { name: "Senden" }).click();
    const photoOut = pageA.locator(".msg-out", { hasText: "Hier der Plan für die Reparatur." });
    await expect(photoOut.locator(".thumb img")).toBeVisible();
    await expect
      .poll(async () => (await phoneMessages(server.baseUrl, waId)).some((m) => m.direction === "out" && m.type === "image"), { message: "the photo reply at the simulated phone" })
      .toBe(true);

    // An internal note looks different and is never sent.
    await pageA.locator(".reply-modes").getByRole("button", { name: "Interne Notiz" }).click();
    await pageA.getByLabel("Interne Notiz", { exact: true }).fill("Bauhof informiert, Termin morgen 8 Uhr.");
    await pageA.getByRole("button", { name: "Notiz speichern" }).click();
    await expect(pageA.locator(".msg-note", { hasText: "Bauhof informiert" }).getByText("Interne Notiz – nicht an Bürger:in gesendet")).toBeVisible();
    await expect(pageB.locator(".msg-note", { hasText: "Bauhof informiert" })).toBeVisible();
    await pageA.locator(".reply-modes").getByRole("button", { name: "Antwort an Bürger:in" }).click();

    // B loses its connection; a message arrives meanwhile; after reconnecting B catches up.
    cutB = true;
    await (bSocket as WebSocketRoute | null)?.close({ code: 1006, reason: "offline" });
    await expect(pageB.locator('.conn[data-state="reconnecting"]')).toBeVisible();
    await expect(pageB.getByText("Verbindung wird wiederhergestellt …")).toBeVisible();
    const missed = "Und der Mistkübel daneben ist auch voll.";
    await server.signedWebhook(textWebhook(waId, citizen, `wamid.e2e.${run}.2`, missed));
    await expect(pageA.locator(".msg-in", { hasText: missed })).toBeVisible();
    await expect(pageB.locator(".msg-in", { hasText: missed }), "B is offline and cannot have the message yet").toHaveCount(0);
    cutB = false;
    await expect(pageB.locator('.conn[data-state="live"]')).toBeVisible();
    await expect(pageB.locator(".msg-in", { hasText: missed })).toBeVisible();

    // A photo message: the media id is served by the fake Graph API; the worker fetches it to R2.
    const mediaId = await uploadToFakeGraph(server.env, demoPng(), "bank.png");
    await server.signedWebhook(messageWebhook(waId, citizen, { id: `wamid.e2e.${run}.3`, type: "image", image: { id: mediaId, mime_type: "image/png", sha256: "x", caption: "So sieht die Bank aus" } }));
    const thumb = pageA.locator(".msg-in").getByRole("button", { name: "Foto vergrößern" });
    await expect(thumb).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(() => pageA.locator(".msg-in .thumb img").first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { message: "the photo is decoded" })
      .toBe(true);
    await expect(pageB.locator(".msg-in").getByRole("img", { name: `Foto von ${citizen}` })).toBeVisible();
    await screenshot(pageA, "inbox-conversation");
    await expectAccessible(pageA, "conversation");
    await thumb.click();
    const dialog = pageA.getByRole("dialog", { name: `Foto von ${citizen}` });
    await expect(dialog).toBeVisible();
    const size = await dialog.locator("img").evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    expect(size, "enlarged photo has the uploaded size").toEqual({ w: 160, h: 120 });
    await screenshot(pageA, "inbox-photo-dialog");
    await expectAccessible(pageA, "photo dialog");
    await pageA.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // B takes the conversation over (with confirmation) and replies; A sees the new holder live.
    await pageB.locator(".claim-banner").getByRole("button", { name: "Übernehmen" }).click();
    const confirm = pageB.getByRole("dialog", { name: "Gespräch übernehmen?" });
    await expect(confirm).toBeVisible();
    await expectAccessible(pageB, "takeover confirmation");
    await confirm.getByRole("button", { name: "Übernehmen" }).click();
    await expect(pageB.getByLabel(`Antwort an ${citizen}`), "the focus is in B's reply box after the takeover").toBeFocused();
    await pageB.getByLabel(`Antwort an ${citizen}`).fill("Ich übernehme ab hier, Frau Berger ist im Außendienst.");
    await pageB.getByRole("button", { name: "Übernehmen und senden" }).click();
    await expect(pageB.getByText("Ihnen zugewiesen")).toBeVisible();
    await expect(pageA.getByText("Maria Huber bearbeitet dieses Gespräch.")).toBeVisible();
    await expect(pageA.getByLabel(`Antwort an ${citizen}`), "after the takeover A is the one stopped from replying").toBeDisabled();

    // English is one click away and is remembered.
    await pageB.getByRole("button", { name: "Sprache wechseln: English" }).click();
    await expect(pageB.getByRole("link", { name: "Inbox" })).toBeVisible();
    await pageB.reload();
    await expect(pageB.getByRole("link", { name: "Inbox" })).toBeVisible();
    await expect(pageB.getByText("Assigned to you")).toBeVisible();
    await expectAccessible(pageB, "conversation in English");

    // An admin disables Maria: her open app loses access at once and shows the sign-in form.
    const staff = await adminApi.json<{ staff: { id: string; email: string }[] }>("GET", "/api/staff");
    const mariaId = staff.staff.find((s) => s.email === maria.email)?.id;
    const disabled = await adminApi.call("PATCH", `/api/staff/${mariaId}`, { disabled: true });
    expect(disabled.status, "disable Maria").toBe(200);
    await expect(pageB.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await expect(pageB.getByText("Your session has ended. Please sign in again.")).toBeVisible();

    // Anna signs out.
    await pageA.getByRole("button", { name: /^Konto von / }).click();
    await pageA.getByRole("button", { name: "Abmelden" }).click();
    await expect(pageA.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();

    expect(errors.flat(), "browser errors").toEqual([]);
  } finally {
    await ctxB.close();
  }
});
