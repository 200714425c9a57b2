// Security headers on the API and the staff app's page: nothing can be framed by another site, and
// the page's CSP allows exactly what the app loads (its own files, photos, blob: previews, map tiles, the room's websocket).
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { Env } from "../worker/env";
import { tileSource } from "../worker/routes/security-headers";
import { api, loginAs } from "./helpers/auth";

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head><body></body></html>';

/** The Worker with a stand-in assets binding (the real one serves dist/public, which tests do not build). */
async function fetchPage(url: string, overrides: Partial<Env> = {}): Promise<{ res: Response; assetRequests: string[] }> {
  const assetRequests: string[] = [];
  const assets = {
    fetch: async (input: RequestInfo | URL) => {
      assetRequests.push(new Request(input).url);
      return new Response(INDEX_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  } as unknown as Fetcher;
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(url), { ...env, ASSETS: assets, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return { res, assetRequests };
}

function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get("content-security-policy") ?? "";
  return new Map(
    header
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = "", ...values]) => [name, values]),
  );
}

function expectCommonHeaders(res: Response, label: string) {
  expect(res.headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(res.headers.get("x-frame-options"), label).toBe("DENY");
  expect(res.headers.get("referrer-policy"), label).toBe("strict-origin-when-cross-origin");
  expect(res.headers.get("permissions-policy"), label).toContain("camera=()");
  expect(res.headers.get("permissions-policy"), label).toContain("geolocation=()");
  expect(res.headers.get("strict-transport-security"), label).toBe("max-age=31536000; includeSubDomains");
  expect(csp(res).get("frame-ancestors"), label).toEqual(["'none'"]);
}

describe("security headers on the API", () => {
  it("every API answer — success, error, not found, webhook — carries them, with a CSP that allows nothing", async () => {
    const agent = await loginAs("agent");
    const answers: [string, Response][] = [
      ["health", await api("/api/health")],
      ["me", await api("/api/me", { as: agent })],
      ["anonymous", await api("/api/me")],
      ["unknown", await api("/api/gibt-es-nicht", { as: agent })],
      ["bad origin", await api("/api/auth/logout", { method: "POST", origin: "https://evil.example" })],
      ["webhook", await api("/webhooks/whatsapp", { method: "POST", body: {} })],
    ];
    for (const [label, res] of answers) {
      expectCommonHeaders(res, label);
      expect(csp(res).get("default-src"), label).toEqual(["'none'"]);
      expect(res.headers.get("cross-origin-resource-policy"), label).toBe("same-origin");
    }
    // Not found under /api stays JSON, never the app's page.
    const unknown = await api("/api/gibt-es-nicht", { as: agent });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("the widget's public API stays readable by the town's site", async () => {
    const res = await api("/api/public/widget-config", { origin: "https://www.gemeinde.test" });
    expectCommonHeaders(res, "public");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://www.gemeinde.test");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  });

  it("a photo keeps its own stricter policy (sandbox)", async () => {
    const agent = await loginAs("agent");
    const form = new FormData();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3]);
    form.append("file", new File([jpeg], "a.jpg", { type: "image/jpeg" }));
    const up = await api("/api/media", { as: agent, body: form });
    const { media } = await up.json<{ media: { url: string } }>();
    const res = await api(media.url, { as: agent });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("security headers on the staff app's page", () => {
  it("the page (any client-side route) comes from the assets with a CSP for what the app loads", async () => {
    for (const path of ["/", "/inbox/abc", "/team"]) {
      const { res, assetRequests } = await fetchPage(`https://townwire.test${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX_HTML);
      expect(assetRequests).toEqual([`https://townwire.test${path}`]);
      expectCommonHeaders(res, path);
      const policy = csp(res);
      expect(policy.get("default-src")).toEqual(["'self'"]);
      expect(policy.get("script-src")).toEqual(["'self'"]);
      expect(policy.get("style-src")).toEqual(["'self'"]);
      expect(policy.get("img-src")).toEqual(["'self'", "data:", "blob:", "https://tile.openstreetmap.org"]);
      expect(policy.get("media-src")).toEqual(["'self'", "blob:"]);
      expect(policy.get("connect-src")).toEqual(["'self'", "wss://townwire.test"]);
      expect(policy.get("object-src")).toEqual(["'none'"]);
      expect(policy.get("base-uri")).toEqual(["'none'"]);
      expect(res.headers.get("content-type")).toContain("text/html");
    }
  });

  it("names the configured tile server, and over plain http (local runs) the ws: socket and no HSTS", async () => {
    const { res } = await fetchPage("http://localhost:8787/reports", { MAP_TILE_URL: "http://{s}.tiles.gemeinde.test:8080/{z}/{x}/{y}.png" } as Partial<Env>);
    const policy = csp(res);
    expect(policy.get("img-src")).toContain("http://*.tiles.gemeinde.test:8080");
    expect(policy.get("connect-src")).toEqual(["'self'", "ws://localhost:8787"]);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("API and simulator paths never fall through to the app's page", async () => {
    for (const path of ["/api/gibt-es-nicht", "/webhooks/anders", "/__dev/phone"]) {
      const { res, assetRequests } = await fetchPage(`https://townwire.test${path}`);
      expect(assetRequests, path).toEqual([]);
      expect([401, 404], path).toContain(res.status);
    }
  });
});

describe("tileSource", () => {
  it("turns MAP_TILE_URL into a CSP source", () => {
    expect(tileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png")).toBe("https://tile.openstreetmap.org");
    expect(tileSource("https://{s}.tile.example.at/{z}/{x}/{y}.png")).toBe("https://*.tile.example.at");
    expect(tileSource("https://maps.example.at:8443/tiles/{z}/{x}/{y}.png?key=1")).toBe("https://maps.example.at:8443");
    // A placeholder CSP cannot express: the whole scheme, never a broken policy.
    expect(tileSource("https://tiles-{s}.example.at/{z}/{x}/{y}.png")).toBe("https:");
    expect(tileSource("")).toBe("'none'");
  });
});
