// Every body is bounded before it is read: by Content-Length at once, or by counting a stream.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BODY_LIMITS, bodyRuleFor } from "../worker/routes/body-limits";
import { ICS_MAX_BYTES } from "../worker/calendars/schemas";
import { api, BASE_URL, createStaff, loginAs, ORIGIN } from "./helpers/auth";
import { seedChannel } from "./helpers/broadcasts";
import { count } from "./helpers/db";

type ErrorBody = { error: { code: string; message: string } };

/** A request whose body arrives as a stream without Content-Length (chunked upload). */
function streamed(path: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
      controller.close();
    },
  });
  return exports.default.fetch(
    new Request(`${BASE_URL}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, ...headers }, body }),
  );
}

const jsonOf = (size: number, extra: Record<string, unknown> = {}) => new TextEncoder().encode(JSON.stringify({ ...extra, pad: "x".repeat(size) }));

describe("request body limits", () => {
  it("login refuses a body over 8 KB with 413 in German, before counting an attempt", async () => {
    const staff = await createStaff({ role: "agent" });
    const res = await api("/api/auth/login", { body: { email: staff.email, password: staff.password, pad: "x".repeat(9 * 1024) } });
    expect(res.status).toBe(413);
    const body = await res.json<ErrorBody>();
    expect(body.error).toEqual({ code: "payload_too_large", message: "Die Anfrage ist zu groß (höchstens 8 KB). Bitte kürzen und noch einmal senden." });
    expect(await count("rate_limits")).toBe(0);
    // A normal sign-in still works.
    expect((await api("/api/auth/login", { body: { email: staff.email, password: staff.password } })).status).toBe(200);
  });

  it("login refuses an over-limit body streamed without Content-Length", async () => {
    const staff = await createStaff({ role: "agent" });
    const res = await streamed("/api/auth/login", jsonOf(64 * 1024, { email: staff.email, password: staff.password }));
    expect(res.status).toBe(413);
    expect((await res.json<ErrorBody>()).error.code).toBe("payload_too_large");
    const ok = await streamed("/api/auth/login", new TextEncoder().encode(JSON.stringify({ email: staff.email, password: staff.password })));
    expect(ok.status).toBe(200);
  });

  it("other staff API routes refuse bodies over 256 KB, signed in or not, with Content-Length or streamed", async () => {
    const admin = await loginAs("admin");
    const big = { name: "x".repeat(300 * 1024) };
    const signedIn = await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: big });
    expect(signedIn.status).toBe(413);
    expect((await signedIn.json<ErrorBody>()).error.message).toBe("Die Anfrage ist zu groß (höchstens 256 KB). Bitte kürzen und noch einmal senden.");
    expect((await api("/api/broadcasts", { body: big })).status).toBe(413);
    expect((await streamed("/api/broadcasts", jsonOf(300 * 1024), { cookie: admin.cookie })).status).toBe(413);
    // Just under the limit the route itself answers (here: its own validation).
    const under = await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { name: "x".repeat(200 * 1024) } });
    expect(under.status).toBe(400);
  });

  it("the widget's public API is bounded too", async () => {
    const res = await api("/api/public/signup-codes", { body: { channelIds: ["x"], pad: "x".repeat(300 * 1024) }, origin: "https://www.gemeinde.test" });
    expect(res.status).toBe(413);
  });

  it("chooses the right limit per route: uploads and the webhook keep theirs", async () => {
    expect(bodyRuleFor("POST", "/api/media")).toBe(BODY_LIMITS.mediaUpload);
    expect(BODY_LIMITS.mediaUpload.maxSize).toBe(5 * 1024 * 1024 + 64 * 1024);
    expect(bodyRuleFor("POST", "/webhooks/whatsapp")).toBe(BODY_LIMITS.webhook);
    expect(BODY_LIMITS.webhook.maxSize).toBe(512 * 1024);
    expect(bodyRuleFor("POST", "/api/auth/login")).toBe(BODY_LIMITS.login);
    expect(bodyRuleFor("PUT", "/api/keywords")).toBe(BODY_LIMITS.api);
  });

  it("a calendar file up to 512 KB reaches its route, although its JSON body is larger than 256 KB", async () => {
    const editor = await loginAs("editor");
    await seedChannel("ev", "Veranstaltungen");
    // About 400 KB of ICS text with CRLF line ends: JSON escapes each CRLF as four bytes.
    const lines = Array.from({ length: 5000 }, (_, i) => `DESCRIPTION:${"Programm ".repeat(8)}${i}`);
    const ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//DE", "BEGIN:VEVENT", "UID:e1", "DTSTART:20270101T100000Z", "SUMMARY:Fest", ...lines, "END:VEVENT", "END:VCALENDAR"].join("\r\n");
    expect(ics.length).toBeLessThan(ICS_MAX_BYTES);
    expect(JSON.stringify({ ics }).length).toBeGreaterThan(256 * 1024);
    const res = await api("/api/channels/ev/calendar", { as: editor, method: "PUT", body: { kind: "events", ics, template: null } });
    expect(res.status, await res.clone().text()).toBe(200);
    // Far above what any 512 KB file can become as JSON: refused before it is read.
    const huge = await api("/api/channels/ev/calendar", { as: editor, method: "PUT", body: { kind: "events", ics: "x".repeat(1200 * 1024) } });
    expect(huge.status).toBe(413);
    expect(bodyRuleFor("PUT", "/api/channels/ev/calendar")).toBe(BODY_LIMITS.calendar);
    expect(bodyRuleFor("PUT", "/api/channels/ev/calendar/draft")).toBe(BODY_LIMITS.api);
  });

  it("a streamed webhook body over 512 KB gets 413 and stores nothing", async () => {
    const res = await streamed("/webhooks/whatsapp", jsonOf(600 * 1024), { "x-hub-signature-256": "sha256=00" });
    expect(res.status).toBe(413);
    expect(await count("messages")).toBe(0);
  });
});
