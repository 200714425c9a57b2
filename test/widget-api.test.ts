import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createSignupCode, randomCode } from "../worker/citizens/signup-codes";
import { CODE_ALPHABET, looksLikeCode } from "../worker/citizens/codes-shape";
import { clientKey } from "../worker/routes/rate-limit";
import type { SignupCodeIssued } from "../worker/shared/wire-types";
import wranglerToml from "../wrangler.toml?raw";
import { api } from "./helpers/auth";
import { db, seedChannels } from "./helpers/citizens";
import { count } from "./helpers/db";

const SITE = "https://www.gemeinde.test"; // WIDGET_ALLOWED_ORIGINS in vitest.config.ts
const FOREIGN = "https://evil.example";

type SignupJson = SignupCodeIssued;

/** SIGNUP_LIMITER's requests per period, as wrangler.toml sets them. */
const SIGNUP_LIMIT = Number(/name = "SIGNUP_LIMITER"[^[]*?limit = (\d+)/.exec(wranglerToml)?.[1]);

// The limiter's counts outlive a test (one runtime for all files): each test's sign-ups come from
// addresses of their own unless a test names one.
let nextAddress = 0;
const freshIp = () => `2001:db8:${(++nextAddress).toString(16)}::1`;

const signup = (channels: unknown, o: { origin?: string | null; ip?: string } = {}) =>
  api("/api/public/signup-codes", {
    body: { channels },
    origin: o.origin === undefined ? SITE : o.origin,
    headers: { "cf-connecting-ip": o.ip ?? freshIp() },
  });

/** Tests that send dozens of requests get more than the default 5 s on a busy machine. */
const BURST_TIMEOUT_MS = 30_000;

/** Sends `n` sign-ups from `ip` one after another; their statuses in order. */
async function burst(n: number, ip: string, channels: unknown = ["ch_events"]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await signup(channels, { ip })).status);
  return statuses;
}

beforeEach(async () => {
  await seedChannels();
});

describe("GET /api/public/widget-config", () => {
  it("returns the open channels in order and the WhatsApp number, with CORS for the town's site", async () => {
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id = 'ch_brueckenlauf'").run();
    const res = await api("/api/public/widget-config", { origin: SITE });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toContain("Origin");
    expect(res.headers.get("set-cookie")).toBeNull();
    const body = await res.json<{ channels: { id: string; name: string; defaultOn: boolean; keyword: string | null }[]; whatsappNumber: string; signupKeyword: string }>();
    expect(body.channels.map((c) => c.id)).toEqual(["ch_newsletter", "ch_adhoc", "ch_events", "ch_freibad"]);
    expect(body.channels[0]).toEqual({ id: "ch_newsletter", name: "Newsletter", description: "", defaultOn: true, keyword: "NEWSLETTER" });
    expect(body.whatsappNumber).toBe("436641234567");
    expect(body.signupKeyword).toBe("ANMELDEN");
  });

  it("gives a foreign origin no CORS headers", async () => {
    const res = await api("/api/public/widget-config", { origin: FOREIGN });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers the preflight for the allowed site only", async () => {
    const preflight = (origin: string) =>
      api("/api/public/signup-codes", {
        method: "OPTIONS",
        origin,
        headers: { "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const ok = await preflight(SITE);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    expect(ok.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
    const foreign = await preflight(FOREIGN);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("needs no session", async () => {
    expect((await api("/api/public/widget-config", { origin: null })).status).toBe(200);
  });
});

describe("POST /api/public/signup-codes", () => {
  it("returns a short code, the prefilled text, the wa.me link and the QR path", async () => {
    const res = await signup(["ch_freibad", "ch_events"]);
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    const body = await res.json<SignupJson>();
    expect(body.code).toMatch(/^[2-9A-HJKMNP-Z]{4}$/);
    expect(looksLikeCode(body.code)).toBe(true);
    expect(body.channels).toEqual(["ch_events", "ch_freibad"]);
    expect(body.text).toBe(`ANMELDEN ${body.code}`);
    expect(body.waLink).toBe(`https://wa.me/436641234567?text=ANMELDEN%20${body.code}`);
    expect(body.qrSvgUrl).toBe(`/api/public/signup-codes/${body.code}/qr.svg`);
    expect(body.expiresAt - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
  });

  it("gives the same choice of channels the same code (in any order) while it is fresh", async () => {
    const a = await (await signup(["ch_freibad", "ch_events"])).json<SignupJson>();
    const b = await (await signup(["ch_events", "ch_freibad"])).json<SignupJson>();
    const c = await (await signup(["ch_events"])).json<SignupJson>();
    expect(b.code).toBe(a.code);
    expect(c.code).not.toBe(a.code);
    expect(await count("signup_codes")).toBe(2);
  });

  it("hands out a new code when the old one is about to expire", async () => {
    const old = await createSignupCode(db(), ["ch_events"], Date.now() - 25 * 24 * 3600 * 1000);
    const fresh = await (await signup(["ch_events"])).json<SignupJson>();
    expect(fresh.code).not.toBe(old.code);
  });

  it("rejects bad input with 400", async () => {
    for (const channels of [[], "ch_events", [1], ["ch_events", "ch_events"], Array.from({ length: 21 }, (_, i) => `c${i}`)]) {
      const res = await signup(channels);
      expect(res.status, JSON.stringify(channels)).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("bad_request");
    }
    const unknown = await signup(["ch_events", "ch_nope"]);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: "unknown_channel", details: { channels: ["ch_nope"] } } });
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id = 'ch_events'").run();
    expect((await signup(["ch_events"])).status).toBe(400);
    const broken = await api("/api/public/signup-codes", { body: "{", headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() }, origin: SITE });
    expect(broken.status).toBe(400);
    expect(await count("signup_codes")).toBe(0);
  });

  it("refuses requests from a foreign site's page; no Origin (not a browser page) and our own origin are fine", async () => {
    const res = await signup(["ch_events"], { origin: FOREIGN });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect((await signup(["ch_events"], { origin: null })).status).toBe(201);
    expect((await signup(["ch_events"], { origin: "https://townwire.test" })).status).toBe(201);
  });

  // The binding counts in windows of its period aligned to the clock, so a burst may straddle two
  // windows: the first SIGNUP_LIMIT requests always pass, and of 2 × SIGNUP_LIMIT + 1 (sent well
  // within one period) at least one is refused.
  it("allows SIGNUP_LIMITER's limit per address, then answers 429 in German with Retry-After and CORS", async () => {
    expect(SIGNUP_LIMIT).toBeGreaterThan(0);
    const ip = "192.0.2.50";
    const statuses = await burst(2 * SIGNUP_LIMIT + 1, ip);
    expect(statuses.slice(0, SIGNUP_LIMIT).every((s) => s === 201)).toBe(true);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);

    let blocked = await signup(["ch_events"], { ip });
    for (let i = 0; blocked.status !== 429 && i < SIGNUP_LIMIT; i++) blocked = await signup(["ch_events"], { ip });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("60");
    expect(blocked.headers.get("access-control-allow-origin")).toBe(SITE);
    const { error } = await blocked.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/^Zu viele Anfragen .*Bitte/);
    // Another address is not affected.
    expect((await signup(["ch_events"], { ip: "192.0.2.51" })).status).toBe(201);
  }, BURST_TIMEOUT_MS);

  it("counts bad requests too (a flood of invalid bodies is refused before it is read)", async () => {
    const statuses = await burst(2 * SIGNUP_LIMIT + 1, "192.0.2.60", []);
    expect(statuses.slice(0, SIGNUP_LIMIT).every((s) => s === 400)).toBe(true);
    expect(statuses).toContain(429);
  }, BURST_TIMEOUT_MS);

  it("counts an IPv6 address as its /64 (one phone or household), an IPv4 address as itself", async () => {
    expect(clientKey("2001:db8:a:b:1:2:3:4")).toBe("2001:db8:a:b::/64");
    expect(clientKey("2001:0DB8:000a:b::9")).toBe("2001:db8:a:b::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("198.51.100.7")).toBe("198.51.100.7");
    // Addresses of one /64 share a budget; the next /64 has its own.
    const statuses = [];
    for (let i = 0; i < 2 * SIGNUP_LIMIT + 1; i++) statuses.push((await signup(["ch_events"], { ip: `2001:db8:ffff:1::${(i + 1).toString(16)}` })).status);
    expect(statuses).toContain(429);
    expect((await signup(["ch_events"], { ip: "2001:db8:ffff:2::1" })).status).toBe(201);
  }, BURST_TIMEOUT_MS);

  it("lets a burst of sign-ups from many phones through (each address counts for itself)", async () => {
    const statuses = await Promise.all(Array.from({ length: SIGNUP_LIMIT + 5 }, () => signup(["ch_events"]).then((r) => r.status)));
    expect(statuses.every((s) => s === 201)).toBe(true);
  }, BURST_TIMEOUT_MS);
});

describe("GET /api/public/signup-codes/:code/qr.svg", () => {
  it("draws the wa.me link of a valid code as SVG", async () => {
    const { code } = await createSignupCode(db(), ["ch_events"]);
    const res = await api(`/api/public/signup-codes/${code}/qr.svg`, { origin: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg[^>]*viewBox/);
    expect(svg).toContain("</svg>");
    // Lower case works too (codes are case-insensitive).
    expect((await api(`/api/public/signup-codes/${code.toLowerCase()}/qr.svg`, { origin: null })).status).toBe(200);
  });

  it("404 for an unknown, malformed or expired code", async () => {
    const expired = await createSignupCode(db(), ["ch_events"], Date.now() - 31 * 24 * 3600 * 1000);
    for (const code of ["9ZZ9", "nope", expired.code, "%3Cscript%3E"]) {
      const res = await api(`/api/public/signup-codes/${code}/qr.svg`, { origin: null });
      expect(res.status, code).toBe(404);
    }
  });
});

describe("code shape", () => {
  it("random codes use the unambiguous alphabet with a digit and a letter", () => {
    for (let i = 0; i < 200; i++) {
      const code = randomCode();
      expect(code).toHaveLength(4);
      expect([...code].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
      expect(looksLikeCode(code)).toBe(true);
    }
    for (const word of ["DANKE", "GERN", "2026", "7O2F", "7I2F", "AB", "1234"]) expect(looksLikeCode(word)).toBe(false);
  });
});
