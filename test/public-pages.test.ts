import { beforeEach, describe, expect, it } from "vitest";
import { api } from "./helpers/auth";
import { seedBroadcast, seedPhoto, seedPublicChannels } from "./helpers/publishing";

const T0 = Date.UTC(2026, 10, 20, 8);

beforeEach(seedPublicChannels);

describe("/anzeige (info screen)", () => {
  it("is a German page whose script and style come from this origin only", async () => {
    const res = await api("/anzeige", { origin: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const body = await res.text();
    expect(body).toContain('<html lang="de">');
    expect(body).toContain('<script src="/anzeige/app.js" defer></script>');
    expect(body).toContain('data-refresh="15"');
    expect(body).toContain("Gemeinde: Mitteilungen");
  });

  it("takes its refresh interval from ?sekunden= within 2–600 seconds, else the default", async () => {
    for (const [q, want] of [["5", "5"], ["1", "15"], ["abc", "15"], ["601", "15"]] as const) {
      expect(await (await api(`/anzeige?sekunden=${q}`, { origin: null })).text(), q).toContain(`data-refresh="${want}"`);
    }
  });

  it("serves its script and style with their types", async () => {
    const js = await api("/anzeige/app.js", { origin: null });
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = await js.text();
    expect(script).toContain('fetch("/feed.json"');
    expect(script).not.toContain("innerHTML");
    expect((await api("/anzeige/style.css", { origin: null })).headers.get("content-type")).toBe("text/css; charset=utf-8");
  });
});

describe("/mitteilung/:id", () => {
  it("shows a published broadcast, escaped, with its photo", async () => {
    await seedPhoto("pic9");
    await seedBroadcast({ id: "bpage", kind: "alert", title: "Sturm <b>", text: "Bitte <drinnen> bleiben", channels: ["ch_pub"], status: "done", startedAt: T0, mediaId: "pic9" });
    const res = await api("/mitteilung/bpage", { origin: null });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("<h1>Sturm &lt;b&gt;</h1>");
    expect(body).toContain("<p>Bitte &lt;drinnen&gt; bleiben</p>");
    expect(body).toContain('<img class="photo" src="/feed/media/pic9" alt="">');
    expect(body).toContain("20. November 2026 um 09:00");
  });

  it("is not found for internal, mixed, unsent or cancelled broadcasts", async () => {
    await seedBroadcast({ id: "bint", channels: ["ch_int"], status: "done", startedAt: T0 });
    await seedBroadcast({ id: "bmix", channels: ["ch_pub", "ch_int"], status: "done", startedAt: T0 });
    await seedBroadcast({ id: "bdraft", channels: ["ch_pub"], status: "draft" });
    await seedBroadcast({ id: "bcancel", channels: ["ch_pub"], status: "cancelled", startedAt: T0 });
    for (const id of ["bint", "bmix", "bdraft", "bcancel", "nope", "A_B"]) {
      const res = await api(`/mitteilung/${id}`, { origin: null });
      expect(res.status, id).toBe(404);
      expect((await res.json<{ error: { message: string } }>()).error.message).toBe("Diese Mitteilung gibt es nicht (mehr)");
    }
  });
});
