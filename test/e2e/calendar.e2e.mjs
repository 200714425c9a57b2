// Calendar reminders end to end: an editor pastes the Zone-2 waste calendar (ICS) into the channel's
// calendar dialog in the staff app, sees the next reminder and dates (also at 390 px wide); the
// minute cron (triggered at the reminder time) sends the reminder template, which arrives on the
// simulator phone of the Zone-2 citizen and not on Zone 1's. Screenshots to test-artifacts/.
import { join } from "node:path";
import { apiLogin, assert, messageWebhook, poll as pollFor, textMessage } from "./lib.mjs";

export const title = "calendar: upload an Abfuhrkalender in the staff app, next dates shown, reminder reaches Zone 2 only";

const TIMEOUT = 20_000;
const poll = (what, fn, timeout = TIMEOUT) => pollFor(what, fn, timeout);
const ZONE1_PHONE = "436649100001";
const ZONE2_PHONE = "436649100002";

/** "20261203": a Vienna calendar day `n` days from today. */
function viennaDay(n) {
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

export default async function (t) {
  const base = t.baseUrl;
  let auth = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };

  // Setup: two district channels, the approved reminder template, a citizen in each zone (by keyword).
  const { channel: zone1 } = await call("POST", "/api/channels", { name: "Müll Zone 1", keyword: "ZONE1" });
  const { channel: zone2 } = await call("POST", "/api/channels", { name: "Müll Zone 2", keyword: "ZONE2" });
  await call("POST", "/api/templates", { name: "abfuhr_erinnerung", language: "de", body: "Morgen: {{1}} ({{2}}). Bitte bis 6 Uhr bereitstellen.", category: "UTILITY" });
  await t.signedWebhook(messageWebhook(ZONE1_PHONE, "Anna Eins", textMessage("ZONE1", "cal")));
  await t.signedWebhook(messageWebhook(ZONE2_PHONE, "Bert Zwei", textMessage("ZONE2", "cal")));
  await poll("one subscriber per zone", async () => {
    const { channels } = await call("GET", "/api/channels");
    return channels.find((c) => c.id === zone1.id)?.subscriberCount === 1 && channels.find((c) => c.id === zone2.id)?.subscriberCount === 1;
  });

  const context = await t.browser.newContext({ viewport: { width: 1280, height: 1100 }, locale: "de-AT", timezoneId: "Europe/Vienna" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  try {
    await page.goto(`${base}/`);
    await page.locator("input[type=email]").fill(t.env.ADMIN_EMAIL);
    await page.locator("input[type=password]").fill(t.env.ADMIN_PASSWORD);
    await page.locator("button[type=submit]").click();
    await page.getByRole("link", { name: "Kanäle & Abonnenten" }).click();
    await page.getByRole("button", { name: "Kalender: Müll Zone 2" }).click();
    const dialog = page.getByRole("dialog", { name: "Kalender: Müll Zone 2" });
    await dialog.getByText("Dieser Kanal hat noch keinen Kalender.").waitFor({ timeout: TIMEOUT });

    // A broken file first: the line and the reason, in German.
    await dialog.getByLabel("Inhalt der ICS-Datei").fill("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY Restmüll\nEND:VEVENT\nEND:VCALENDAR");
    await dialog.getByLabel("Vorlage für die Erinnerung").selectOption({ label: "abfuhr_erinnerung (de)" });
    await dialog.getByRole("button", { name: "Kalender speichern" }).click();
    await dialog.getByText(/Zeile 4: Doppelpunkt fehlt/).waitFor({ timeout: TIMEOUT });

    // The real calendar, pasted as exported.
    await dialog.getByLabel("Inhalt der ICS-Datei").fill(zone2Ics());
    await dialog.getByLabel("Vorlauf in Minuten").fill("360");
    await dialog.getByRole("button", { name: "Kalender speichern" }).click();
    await dialog.getByText("Kalender gespeichert.").waitFor({ timeout: TIMEOUT });
    const next = dialog.getByTestId("calendar-next");
    await poll("next reminder shown", async () => (await next.textContent())?.includes("Biotonne, Gelber Sack"));
    const dates = dialog.getByTestId("calendar-dates");
    await poll("next dates listed", async () => (await dates.locator("li").count()) >= 5);
    await page.screenshot({ path: join(t.artifacts, "calendar-dialog.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await next.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(t.artifacts, "calendar-dialog-390.png"), fullPage: true });
    const overflow = await page.locator("dialog[open] .dialog-inner").evaluate((d) => d.scrollWidth - d.clientWidth);
    assert(overflow <= 1, `dialog scrolls sideways at 390 px (${overflow} px)`);
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } catch (err) {
    await page.screenshot({ path: join(t.artifacts, "calendar-failure.png"), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }

  // The minute cron at the reminder time (as Cloudflare would run it then).
  const { calendar } = await call("GET", `/api/channels/${zone2.id}/calendar`);
  assert(calendar.next?.summary === "Biotonne, Gelber Sack", `next: ${JSON.stringify(calendar.next)}`);
  const cron = await fetch(`${base}/cdn-cgi/local/scheduled?time=${calendar.next.remindAt}&cron=${encodeURIComponent("* * * * *")}`);
  assert(cron.ok, `cron ${cron.status}`);

  const phone = async (waId) => (await (await fetch(`${base}/__dev/api/phones/${waId}/messages`)).json()).messages;
  const reminder = await poll("reminder on the Zone-2 phone", async () => (await phone(ZONE2_PHONE)).find((m) => JSON.stringify(m).includes("Morgen: Biotonne, Gelber Sack")));
  assert(JSON.stringify(reminder).includes(calendar.next.dayLabel), `date in the reminder: ${JSON.stringify(reminder)}`);
  // A second cron run at the same minute sends nothing more; Zone 1 never gets it.
  await fetch(`${base}/cdn-cgi/local/scheduled?time=${calendar.next.remindAt + 1000}`);
  await new Promise((r) => setTimeout(r, 1500));
  const zone2Reminders = (await phone(ZONE2_PHONE)).filter((m) => JSON.stringify(m).includes("Morgen:"));
  assert(zone2Reminders.length === 1, `Zone 2 got ${zone2Reminders.length} reminders`);
  assert(!(await phone(ZONE1_PHONE)).some((m) => JSON.stringify(m).includes("Morgen:")), "Zone 1 got the Zone-2 reminder");

  // It shows in Aussendungen as a reminder with its counts. (The cron ran at a future time, so the
  // session cleanup there ended our session: sign in again.)
  auth = await apiLogin(base, t.env.ADMIN_EMAIL, t.env.ADMIN_PASSWORD);
  const { broadcasts } = await call("GET", "/api/broadcasts");
  const b = broadcasts.find((x) => x.kind === "reminder");
  assert(b && b.channelIds.join() === zone2.id && b.recipientCount === 1, `reminder broadcast: ${JSON.stringify(b)}`);
}
