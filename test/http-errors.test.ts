// The HTTP layer's promises: bad input gets a German sentence without field names (the fields only
// in details), every domain error kind maps to its status, and foreign pages cannot change anything.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorResponse, STATUS_OF_KIND } from "../worker/routes/errors";
import { parseGerman, valid } from "../worker/routes/validate";
import {
  Conflict,
  Forbidden,
  InvalidInput,
  InvalidState,
  NotFound,
  RateLimited,
  RuleViolation,
  TooLarge,
  Unauthenticated,
  Unavailable,
  UnsupportedType,
  UpstreamFailed,
  type DomainError,
} from "../worker/shared/errors";
import { api, loginAs } from "./helpers/auth";

type ErrorBody = { error: { code: string; message: string; details?: { issues?: { path: string; code: string }[] } } };

/** German words only: no field path, no zod English. */
function expectClerkSentence(message: string, ...fields: string[]) {
  expect(message).toMatch(/^[A-ZÄÖÜ].*[.)]$/);
  for (const f of fields) expect(message).not.toContain(f);
  expect(message).not.toMatch(/Invalid|expected|received|Too big|Too small|Required/);
}

describe("validation: a German sentence a clerk understands", () => {
  it("a reply over WhatsApp's limit names the problem in words, the field only in details", async () => {
    const agent = await loginAs("agent");
    const res = await api("/api/conversations/abc123/messages", { as: agent, body: { text: "x".repeat(4097) } });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toBe("Der Text ist zu lang: höchstens 4\u00a0096 Zeichen.");
    expect(body.error.details?.issues).toEqual([expect.objectContaining({ path: "text", code: "too_big" })]);
  });

  it("missing, wrong-typed, unknown and out-of-range inputs", async () => {
    const agent = await loginAs("agent");
    const cases: [string, { method?: string; body?: unknown }, RegExp, string[]][] = [
      ["/api/auth/login", { body: { password: "x" } }, /^Die E-Mail-Adresse fehlt\.$/, ["email"]],
      ["/api/conversations/abc123/notes", { body: { text: 5 } }, /^Der Text hat nicht die erwartete Form\.$/, ["text"]],
      ["/api/conversations?status=kaputt", {}, /^Der Status ist keine der möglichen Auswahlen\.$/, ["status"]],
      ["/api/conversations?limit=500", {}, /^Die Anzahl pro Seite ist zu groß: höchstens 100\.$/, ["limit"]],
      ["/api/conversations/abc123/report", { method: "PATCH", body: { category: "Müll", status: "fertig" } }, /^Der Status ist keine/, ["status"]],
      ["/api/conversations/abc123/report", { method: "PATCH", body: { zusatz: 1 } }, /nicht vorgesehen/, ["zusatz"]],
    ];
    for (const [path, o, message, fields] of cases) {
      const res = await api(path, { as: agent, ...o });
      expect(res.status, path).toBe(400);
      const body = await res.json<ErrorBody>();
      expect(body.error.code, path).toBe("bad_request");
      expect(body.error.message, path).toMatch(message);
      expectClerkSentence(body.error.message, ...fields);
    }
  });

  it("a schema's own message wins and becomes a sentence; further problems are counted", () => {
    const schema = z.object({ title: z.string().min(1, "Titel fehlt"), text: z.string().max(3), channels: z.array(z.string()).min(1) });
    let err: unknown;
    try {
      parseGerman(schema, { title: "", text: "viel zu lang", channels: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInput);
    const e = err as InvalidInput;
    expect(e.message).toBe("Titel fehlt. (Dazu 2 weitere Angaben zu prüfen.)");
    expect((e.details?.issues as { message: string }[]).map((i) => i.message)).toEqual([
      "Titel fehlt.",
      "Der Text ist zu lang: höchstens 3 Zeichen.",
      "Die Auswahl der Kanäle ist leer: bitte mindestens einen Eintrag wählen.",
    ]);
  });

  it("a body that is not JSON is invalid_json in German", async () => {
    const agent = await loginAs("agent");
    const res = await api("/api/conversations/abc123/notes", { as: agent, method: "POST", headers: { "content-type": "application/json" }, body: undefined });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_json");
    expectClerkSentence(body.error.message, "JSON.parse", "Malformed");
  });
});

describe("routes on the validator keep their German sentences", () => {
  it("snippets, two-factor, audit, report merge and outreach answer 400 bad_request with their own sentence", async () => {
    const admin = await loginAs("admin");
    const cases: [string, { method?: "GET" | "POST" | "PUT"; body?: unknown }, string][] = [
      ["/api/snippets", { body: { body: "ohne Titel" } }, "Bitte einen Titel für den Textbaustein eingeben."],
      ["/api/snippets/NOT-AN-ID", { method: "PUT", body: { title: "T", body: "B" } }, "Diesen Eintrag gibt es nicht. Bitte die Seite neu laden."],
      ["/api/auth/totp/enable", { body: {} }, "Bitte den Code eingeben."],
      ["/api/audit?cursor=gestern", { method: "GET" }, "Ungültige Seite."],
      ["/api/conversations/abc123/report/merge", { body: { into: "?" } }, "Bitte eine Meldung zum Zusammenführen wählen."],
      ["/api/outreach/conversations", { body: { text: "Hallo" } }, "Bitte eine Person auswählen oder eine Telefonnummer eingeben."],
      ["/api/conversations/abc123/messages/NOT-AN-ID/cancel", { body: {} }, "Diesen Eintrag gibt es nicht. Bitte die Seite neu laden."],
    ];
    for (const [path, o, message] of cases) {
      const res = await api(path, { as: admin, ...o });
      expect(res.status, path).toBe(400);
      expect(await res.json<ErrorBody>(), path).toMatchObject({ error: { code: "bad_request", message } });
    }
  });
});

describe("domain errors: one mapping to HTTP", () => {
  const cases: [DomainError, number][] = [
    [new InvalidInput("x", "Satz."), 400],
    [new Unauthenticated("x", "Satz."), 401],
    [new Forbidden("x", "Satz."), 403],
    [new NotFound("x", "Satz."), 404],
    [new Conflict("x", "Satz."), 409],
    [new InvalidState("x", "Satz."), 409],
    [new TooLarge("x", "Satz."), 413],
    [new UnsupportedType("x", "Satz."), 415],
    [new RuleViolation("x", "Satz."), 422],
    [new RateLimited("x", "Satz.", { retryAfterSeconds: 30 }), 429],
    [new UpstreamFailed("x", "Satz."), 502],
    [new Unavailable("x", "Satz."), 503],
  ];

  it("each kind answers with its status, code, message and details", async () => {
    for (const [err, status] of cases) {
      const app = new Hono();
      app.onError(errorResponse);
      app.get("/", () => {
        throw err;
      });
      const res = await app.request("/");
      expect(res.status, err.name).toBe(status);
      expect(STATUS_OF_KIND[err.kind]).toBe(status);
      expect(await res.json(), err.name).toEqual({ error: { code: "x", message: "Satz.", ...(err.details ? { details: err.details } : {}) } });
      if (status === 429) expect(res.headers.get("retry-after")).toBe("30");
    }
  });

  it("a domain module's NotFound and InvalidState reach the clerk as 404 and 409 in German", async () => {
    const admin = await loginAs("admin");
    const missing = await api("/api/alerts/999/ack", { as: admin, method: "POST" });
    expect(missing.status).toBe(404);
    expectClerkSentence((await missing.json<ErrorBody>()).error.message);

    const editor = await loginAs("editor");
    const created = await api("/api/channels", { as: editor, body: { name: "Neuigkeiten" } });
    const { channel } = await created.json<{ channel: { id: string } }>();
    const draft = await api("/api/broadcasts", { as: editor, body: { title: "T", kind: "newsletter", text: "Hallo", channelIds: [channel.id] } });
    const { broadcast } = await draft.json<{ broadcast: { id: string } }>();
    const paused = await api(`/api/broadcasts/${broadcast.id}/pause`, { as: editor, method: "POST" });
    expect(paused.status).toBe(409);
    const body = await paused.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_state");
    expect(body.error.message).toBe("Pausieren geht jetzt nicht: Die Aussendung ist ein Entwurf. Bitte die Seite neu laden.");
  });

  it("an unknown API path answers in German", async () => {
    const res = await api("/api/gibt-es-nicht", { as: await loginAs("agent") });
    expect(res.status).toBe(404);
    expectClerkSentence((await res.json<ErrorBody>()).error.message);
  });
});

describe("same-origin protection", () => {
  it("refuses a cross-origin or Origin-less POST with 403 bad_origin in German; the widget API is not affected", async () => {
    const editor = await loginAs("editor");
    for (const origin of ["https://evil.example", null]) {
      const res = await api("/api/channels", { as: editor, origin, body: { name: "Fremd" } });
      expect(res.status).toBe(403);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe("bad_origin");
      expectClerkSentence(body.error.message);
    }
    // Reading stays possible (a GET changes nothing), and /api/public has its own origin list.
    expect((await api("/api/channels", { as: editor, origin: "https://evil.example" })).status).toBe(200);
    const widget = await api("/api/public/signup-codes", { origin: "https://evil.example", body: { channels: ["x"] } });
    expect((await widget.json<ErrorBody>()).error.code).not.toBe("bad_origin");
  });

  it("the validator hook is shared: a route's own schema fails the same way", async () => {
    const app = new Hono();
    app.onError(errorResponse);
    app.post("/", valid("json", z.object({ email: z.email() })), (c) => c.json(c.req.valid("json")));
    const res = await app.request("/", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "nein" }) });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.message).toBe("Die E-Mail-Adresse ist keine gültige E-Mail-Adresse.");
  });
});
