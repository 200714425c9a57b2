// Search in the inbox and the subscriber list up to the allowed 100 characters, with rows present:
// D1 refuses a LIKE/GLOB pattern over 50 bytes (UTF-8), which must never become a 500.
import { describe, expect, it } from "vitest";
import { api, loginAs, type Session } from "./helpers/auth";
import { citizenWrites } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string } };

const LONG_NAME = "Maria Theresia Walburga Amalia Christina von Habsburg-Lothringen"; // 64 characters
const UMLAUTS = "Grüße aus Wöllersdorf-Steinabrückl, die Straßenbeleuchtung fällt öfter aus"; // > 50 bytes
const HUNDRED = `${"Bitte um Rückruf wegen der Müllabfuhr am Dienstag. ".repeat(2)}`.slice(0, 100);

async function seed() {
  const maria = await citizenWrites(`${HUNDRED} Danke!`, { from: "436641234567", name: LONG_NAME });
  const otto = await citizenWrites(UMLAUTS, { from: "436769876543", name: "Otto Öller" });
  return { maria, otto };
}

const conversations = async (as: Session, q: string) => {
  const res = await api(`/api/conversations?q=${encodeURIComponent(q)}`, { as });
  expect(res.status, q).toBe(200);
  return (await res.json<{ conversations: { id: string }[] }>()).conversations.map((c) => c.id);
};

const subscribers = async (as: Session, q: string) => {
  const res = await api(`/api/subscribers?q=${encodeURIComponent(q)}`, { as });
  expect(res.status, q).toBe(200);
  return (await res.json<{ subscribers: { id: string }[] }>()).subscribers.map((s) => s.id);
};

describe("search up to the allowed length", () => {
  it("inbox: finds a 64-character name, 100 characters of message text and an umlaut phrase of 80+ bytes", async () => {
    const agent = await loginAs("agent");
    const { maria, otto } = await seed();
    expect(HUNDRED).toHaveLength(100);
    expect(await conversations(agent, LONG_NAME)).toEqual([maria.conversationId]);
    expect(await conversations(agent, LONG_NAME.toUpperCase())).toEqual([maria.conversationId]);
    expect(await conversations(agent, HUNDRED)).toEqual([maria.conversationId]);
    expect(new TextEncoder().encode(UMLAUTS.slice(0, 60)).byteLength).toBeGreaterThan(60);
    expect(await conversations(agent, UMLAUTS.slice(0, 60))).toEqual([otto.conversationId]);
    expect(await conversations(agent, "ü".repeat(30))).toEqual([]);
    // 60 digits: a "phone number" search that would make a 62-byte pattern.
    expect(await conversations(agent, "4".repeat(60))).toEqual([]);
    // Wildcards stay literal.
    expect(await conversations(agent, `%${"_".repeat(60)}`)).toEqual([]);
  });

  it("subscribers: finds a 64-character name and searches 100 characters and 60 digits", async () => {
    const agent = await loginAs("agent");
    const { maria, otto } = await seed();
    expect(await subscribers(agent, LONG_NAME)).toEqual([maria.citizenId]);
    // ASCII letters ignore case (as LIKE did); umlauts match as written.
    expect(await subscribers(agent, "OTTO Öller")).toEqual([otto.citizenId]);
    expect(await subscribers(agent, "ä".repeat(100))).toEqual([]);
    expect(await subscribers(agent, "4".repeat(60))).toEqual([]);
    expect(await subscribers(agent, `+43 664 1234567 ${"0".repeat(40)}`)).toEqual([]);
    expect(await subscribers(agent, "%".repeat(100))).toEqual([]);
  });

  it("answers a search over 100 characters with a clear 400", async () => {
    const agent = await loginAs("agent");
    await seed();
    for (const path of ["/api/conversations", "/api/subscribers"]) {
      const res = await api(`${path}?q=${encodeURIComponent("ö".repeat(101))}`, { as: agent });
      expect(res.status, path).toBe(400);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message).toMatch(/100/);
    }
  });
});
