// Calendar reminders end to end: an editor pastes the Zone-2 waste calendar (ICS) into the channel's
// calendar dialog in the staff app, sees the next reminder and dates (also at 390 px wide); the
// minute cron (triggered at the reminder time) sends the reminder template, which arrives on the
// simulator phone of the Zone-2 citizen and not on Zone 1's.
import { messageWebhook, phoneMessages, textMessage } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { goToPage, signIn } from "./support/staff";

const ZONE1_PHONE = "436649100001";
const ZONE2_PHONE = "436649100002";

/** "20261203": a Vienna calendar day `n` days from today. */
function viennaDay(n: number) {
  const d = new Date(Date.now() + n * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Vienna", year: "numeric", month: "2-digit", day: "2-digit" }).format(d).replaceAll("-", "");
}

/** Gelber Sack every four weeks from 3 days ahead, Biotonne weekly; two events on the first day. */
function zone2Ics() {
  const first = viennaDay(3);
  return [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Abfallverband//Zone 2//DE",
    "BEGIN:VEVENT", "UID:gelb-z2", `DTSTART;VALUE=DATE:${first}`, "RRULE:FREQ=WEEKLY;INTERVAL=4", "SUMMARY:Gelber Sack", "END:VEVENT",
    "BEGIN:VEVENT", "UID:bio-z2", `DTSTART;VALUE=DATE:${first}`, "RRULE:FREQ=WEEKLY", "SUMMARY:Biotonne", "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n");
}

interface Calendar {
  next?: { summary: string; remindAt: number; dayLabel: string };
}

test("calendar: upload an Abfuhrkalender in the staff app, next dates shown, reminder reaches Zone 2 only", async ({ page, server, request, adminApi, loginApi }) => {
  // Setup: two district channels, the approved reminder template, a citizen in each zone (by keyword).
  const { channel: zone1 } = await adminApi.json<{ channel: { id: string } }>("POST", "/api/channels", { name: "Müll Zone 1", keyword: "ZONE1" });
  const { channel: zone2 } = await adminApi.json<{ channel: { id: string } }>("POST", "/api/channels", { name: "Müll Zone 2", keyword: "ZONE2" });
  await adminApi.json("POST", "/api/templates", { name: "abfuhr_erinnerung", language: "de", body: "Morgen: {{1}} ({{2}}). Bitte bis 6 Uhr bereitstellen.", category: "UTILITY" });
  await server.signedWebhook(messageWebhook(ZONE1_PHONE, "Anna Eins", textMessage("ZONE1", "cal")));
  await server.signedWebhook(messageWebhook(ZONE2_PHONE, "Bert Zwei", textMessage("ZONE2", "cal")));
  await expect
    .poll(async () => {
      const { channels } = await adminApi.json<{ channels: { id: string; subscriberCount: number }[] }>("GET", "/api/channels");
      return [zone1.id, zone2.id].map((id) => channels.find((c) => c.id === id)?.subscriberCount);
    }, { message: "one subscriber per zone" })
    .toEqual([1, 1]);

  const errors = pageErrors(page);
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await goToPage(page, "Kanäle & Abonnenten");
  await page.getByRole("button", { name: "Kalender: Müll Zone 2" }).click();
  const dialog = page.getByRole("dialog", { name: "Kalender: Müll Zone 2" });
  await expect(dialog.getByText("Dieser Kanal hat noch keinen Kalender.")).toBeVisible();

  // A broken file first: the line and the reason, in German.
  await dialog.getByLabel("Inhalt der ICS-Datei").fill("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY Restmüll\nEND:VEVENT\nEND:VCALENDAR");
  await dialog.getByLabel("Vorlage für die Erinnerung").selectOption({ label: "abfuhr_erinnerung (de)" });
  await dialog.getByRole("button", { name: "Kalender speichern" }).click();
  await expect(dialog.getByText(/Zeile 4: Doppelpunkt fehlt/)).toBeVisible();
  await expectAccessible(page, "calendar dialog with an error");

  // The real calendar, pasted as exported.
  await dialog.getByLabel("Inhalt der ICS-Datei").fill(zone2Ics());
  await dialog.getByLabel("Vorlauf in Minuten").fill("360");
  await dialog.getByRole("button", { name: "Kalender speichern" }).click();
  await expect(dialog.getByText("Kalender gespeichert.")).toBeVisible();
  const next = dialog.getByTestId("calendar-next");
  await expect(next, "next reminder shown").toContainText("Biotonne, Gelber Sack");
  await expect.poll(() => dialog.getByTestId("calendar-dates").locator("li").count(), { message: "next dates listed" }).toBeGreaterThanOrEqual(5);
  await screenshot(page, "calendar-dialog", { fullPage: true });
  await expectAccessible(page, "calendar dialog");
  await page.setViewportSize({ width: 390, height: 844 });
  await next.scrollIntoViewIfNeeded();
  await screenshot(page, "calendar-dialog-390", { fullPage: true });
  const overflow = await page.locator("dialog[open] .dialog-inner").evaluate((d) => d.scrollWidth - d.clientWidth);
  expect(overflow, "the dialog does not scroll sideways at 390 px").toBeLessThanOrEqual(1);
  expect(errors, "page errors").toEqual([]);

  // The minute cron at the reminder time (as Cloudflare would run it then).
  const { calendar } = await adminApi.json<{ calendar: Calendar }>("GET", `/api/channels/${zone2.id}/calendar`);
  expect(calendar.next?.summary).toBe("Biotonne, Gelber Sack");
  const next1 = calendar.next;
  if (!next1) throw new Error("no next reminder");
  const cron = await request.get(`/cdn-cgi/local/scheduled?time=${next1.remindAt}&cron=${encodeURIComponent("* * * * *")}`);
  expect(cron.ok(), `cron ${cron.status()}`).toBe(true);

  const remindersOn = async (waId: string) => (await phoneMessages(server.baseUrl, waId)).filter((m) => JSON.stringify(m).includes("Morgen:"));
  await expect
    .poll(async () => (await remindersOn(ZONE2_PHONE)).map((m) => JSON.stringify(m)).find((s) => s.includes("Morgen: Biotonne, Gelber Sack")), { message: "reminder on the Zone-2 phone" })
    .toContain(next1.dayLabel);
  // A second cron run at the same minute sends nothing more; Zone 1 never gets it. (Nothing to wait
  // for when nothing happens: give a wrongly sent reminder the time to arrive.)
  await request.get(`/cdn-cgi/local/scheduled?time=${next1.remindAt + 1000}`);
  await new Promise((r) => setTimeout(r, 1500));
  expect(await remindersOn(ZONE2_PHONE), "Zone 2 got one reminder").toHaveLength(1);
  expect(await remindersOn(ZONE1_PHONE), "Zone 1 got no Zone-2 reminder").toHaveLength(0);

  // It shows in Aussendungen as a reminder with its counts. (The cron ran at a future time, so the
  // session cleanup there ended our session: sign in again.)
  const admin = await loginApi(server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  const { broadcasts } = await admin.json<{ broadcasts: { kind: string; channelIds: string[]; recipientCount: number }[] }>("GET", "/api/broadcasts");
  const b = broadcasts.find((x) => x.kind === "reminder");
  expect(b?.channelIds.join(), `reminder broadcast: ${JSON.stringify(b)}`).toBe(zone2.id);
  expect(b?.recipientCount).toBe(1);
});
