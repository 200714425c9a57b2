import { env } from "cloudflare:workers";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { beforeEach, describe, expect, it } from "vitest";
import { api, loginAs } from "./helpers/auth";
import { seedBroadcast, seedPhoto, seedPublicChannels } from "./helpers/publishing";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["entry", "link", "category"].includes(name) });

interface AtomLink { "@rel"?: string; "@href": string; "@type"?: string; "@length"?: string }
interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  link: AtomLink[];
  category: { "@term": string; "@label": string }[];
  content: { "#text": string; "@type": string };
}
interface AtomFeed {
  id: string;
  title: string;
  updated: string;
  author: { name: string };
  link: AtomLink[];
  entry?: AtomEntry[];
}

async function getAtom(path = "/feed.atom"): Promise<{ res: Response; body: string; feed: AtomFeed }> {
  const res = await api(path, { origin: null });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
  expect(XMLValidator.validate(body)).toBe(true);
  const doc = parser.parse(body) as { feed: AtomFeed & { "@xmlns": string } };
  expect(doc.feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
  return { res, body, feed: doc.feed };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 4287's required elements of a feed and of each entry. */
function expectValidAtom(feed: AtomFeed): void {
  expect(feed.id).toMatch(/^https:\/\//);
  expect(typeof feed.title).toBe("string");
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.author.name).toBeTruthy();
  expect(feed.link.some((l) => l["@rel"] === "self")).toBe(true);
  for (const e of feed.entry ?? []) {
    expect(e.id).toMatch(/^urn:townwire:broadcast:/);
    expect(e.title).toBeTruthy();
    expect(e.updated).toMatch(RFC3339);
    expect(e.link.filter((l) => (l["@rel"] ?? "alternate") === "alternate")).toHaveLength(1);
    expect(e.content["@type"]).toBe("html");
  }
}

interface JsonFeed {
  version: string;
  title: string;
  items: { id: string; url: string; title: string; content_text: string; content_html: string; date_published: string; image?: string; attachments?: { url: string; mime_type: string }[]; _townwire: { kind: string } }[];
}

async function getJsonFeed(): Promise<JsonFeed> {
  const res = await api("/feed.json", { origin: null });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
  const feed = await res.json<JsonFeed>();
  // JSON Feed 1.1: version and title required; every item needs an id and content_text or content_html.
  expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
  expect(feed.title).toBeTruthy();
  for (const item of feed.items) {
    expect(typeof item.id).toBe("string");
    expect(item.content_text !== undefined || item.content_html !== undefined).toBe(true);
    expect(item.date_published).toMatch(RFC3339);
  }
  return feed;
}

const T0 = Date.UTC(2026, 10, 20, 8);

beforeEach(seedPublicChannels);

describe("public channels on the API", () => {
  it("are private by default and editors can make one public", async () => {
    const editor = await loginAs("editor");
    const created = await api("/api/channels", { as: editor, body: { name: "Baustellen" } });
    const { channel } = await created.json<{ channel: { id: string; public: boolean } }>();
    expect(channel.public).toBe(false);
    const patched = await api(`/api/channels/${channel.id}`, { as: editor, method: "PATCH", body: { public: true } });
    expect((await patched.json<{ channel: { public: boolean } }>()).channel.public).toBe(true);
    const bad = await api(`/api/channels/${channel.id}`, { as: editor, method: "PATCH", body: { public: "ja" } });
    expect(bad.status).toBe(400);
    const agent = await loginAs("agent");
    expect((await api(`/api/channels/${channel.id}`, { as: agent, method: "PATCH", body: { public: false } })).status).toBe(403);
  });
});

describe("Atom and JSON Feed", () => {
  beforeEach(async () => {
    await seedBroadcast({ id: "bdone", title: "Straßensperre", channels: ["ch_pub"], status: "done", startedAt: T0 });
    await seedBroadcast({ id: "balert", kind: "alert", title: "Hochwasser", channels: ["ch_pub", "ch_bad"], status: "sending", startedAt: T0 + 60_000 });
    await seedBroadcast({ id: "bpaused", channels: ["ch_bad"], status: "paused", startedAt: T0 - 60_000 });
    await seedBroadcast({ id: "binternal", title: "Nur intern", channels: ["ch_int"], status: "done", startedAt: T0 });
    await seedBroadcast({ id: "bmixed", title: "Gemischt", channels: ["ch_pub", "ch_int"], status: "done", startedAt: T0 });
    await seedBroadcast({ id: "bdraft", channels: ["ch_pub"], status: "draft" });
    await seedBroadcast({ id: "bscheduled", channels: ["ch_pub"], status: "scheduled" });
    await seedBroadcast({ id: "bcancelled_early", channels: ["ch_pub"], status: "cancelled", startedAt: null });
    await seedBroadcast({ id: "bunknown_channel", channels: ["ch_gone"], status: "done", startedAt: T0 });
  });

  it("publish only started broadcasts whose every channel is public, newest first, as valid Atom", async () => {
    const { feed, body } = await getAtom();
    expectValidAtom(feed);
    expect(feed.entry?.map((e) => e.id)).toEqual(["urn:townwire:broadcast:balert", "urn:townwire:broadcast:bdone", "urn:townwire:broadcast:bpaused"]);
    expect(feed.updated).toBe(new Date(T0 + 60_000).toISOString());
    expect(feed.title).toBe("Gemeinde: Mitteilungen");
    const alert = feed.entry?.[0];
    expect(alert?.category.map((c) => c["@term"])).toEqual(["alert", "ch_pub", "ch_bad"]);
    expect(alert?.link[0]?.["@href"]).toBe("https://townwire.test/mitteilung/balert");
    // Nothing internal and nothing personal: no internal channel, no author id.
    for (const secret of ["Nur intern", "Gemischt", "Intern: Feuerwehr", "ch_int", "st_secret_author", "bdraft", "bscheduled"]) {
      expect(body).not.toContain(secret);
    }
  });

  it("has a feed per public channel and none for an internal or unknown one", async () => {
    const { feed } = await getAtom("/feed/ch_bad.atom");
    expectValidAtom(feed);
    expect(feed.title).toBe("Gemeinde: Freibad");
    expect(feed.id).toBe("https://townwire.test/feed/ch_bad.atom");
    expect(feed.entry?.map((e) => e.id)).toEqual(["urn:townwire:broadcast:balert", "urn:townwire:broadcast:bpaused"]);
    for (const path of ["/feed/ch_int.atom", "/feed/ch_nope.atom", "/feed/ch_pub.rss", "/feed/.atom"]) {
      const res = await api(path, { origin: null });
      expect(res.status, path).toBe(404);
      expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/^[A-ZÄÖÜ].*[a-zäöüß]/);
    }
  });

  it("JSON Feed 1.1 carries the same items with the kind", async () => {
    const feed = await getJsonFeed();
    expect(feed.items.map((i) => [i.id, i._townwire.kind])).toEqual([
      ["urn:townwire:broadcast:balert", "alert"],
      ["urn:townwire:broadcast:bdone", "newsletter"],
      ["urn:townwire:broadcast:bpaused", "newsletter"],
    ]);
    expect(feed.items[1]).toMatchObject({ title: "Straßensperre", content_text: "Text von bdone", content_html: "<p>Text von bdone</p>" });
    expect(JSON.stringify(feed)).not.toContain("ch_int");
  });

  it("a channel turned private again takes its broadcasts out at once", async () => {
    await env.DB.prepare("UPDATE channels SET public = 0 WHERE id = 'ch_bad'").run();
    const feed = await getJsonFeed();
    expect(feed.items.map((i) => i.id)).toEqual(["urn:townwire:broadcast:bdone"]);
    expect((await api("/feed/ch_bad.atom", { origin: null })).status).toBe(404);
  });

  it("sends ETag, Last-Modified and Cache-Control, answers 304 to a matching If-None-Match, and CORS for any site", async () => {
    const first = await api("/feed.atom", { origin: null });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    expect(first.headers.get("last-modified")).toBe(new Date(T0 + 60_000).toUTCString());
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(first.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(first.headers.get("content-security-policy")).toContain("default-src 'none'");
    const again = await api("/feed.atom", { origin: null, headers: { "if-none-match": `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const json = await api("/feed.json", { origin: null, headers: { "if-none-match": etag ?? "" } });
    expect(json.status).toBe(200);
  });

  it("a cancelled broadcast is withdrawn and the feed's ETag and updated time change", async () => {
    const editor = await loginAs("editor");
    const before = await api("/feed.atom", { origin: null });
    const etag = before.headers.get("etag") ?? "";
    const res = await api("/api/broadcasts/balert/cancel", { as: editor, method: "POST" });
    expect(res.status, await res.text()).toBe(200);
    const { feed } = await getAtom();
    expect(feed.entry?.map((e) => e.id)).toEqual(["urn:townwire:broadcast:bdone", "urn:townwire:broadcast:bpaused"]);
    expect(Date.parse(feed.updated)).toBeGreaterThan(T0 + 60_000);
    expect((await api("/feed.atom", { origin: null, headers: { "if-none-match": etag } })).status).toBe(200);
    expect((await getJsonFeed()).items.map((i) => i.id)).not.toContain("urn:townwire:broadcast:balert");
  });
});

describe("escaping and content", () => {
  it("escapes markup and drops characters XML forbids, in Atom and in content_html", async () => {
    const nasty = `<script>alert("x")</script> & 'Bürger' \u0001\u0008 ]]> Ende`;
    await seedBroadcast({ id: "bx", title: `A & B <b>`, text: `${nasty}\n\nZweiter Absatz\nZeile`, channels: ["ch_pub"], status: "done", startedAt: T0 });
    const { feed, body } = await getAtom();
    expectValidAtom(feed);
    expect(body).not.toContain("<script>");
    expect(body).not.toContain("\u0001");
    const entry = feed.entry?.[0];
    expect(body).toContain("<title>A &amp; B &lt;b&gt;</title>");
    expect(entry?.title).toBe("A & B <b>");
    const json = await getJsonFeed();
    expect(json.items[0]?.content_text).toBe(`${nasty}\n\nZweiter Absatz\nZeile`);
    expect(json.items[0]?.content_html).toBe(
      `<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;Bürger&apos;  ]]&gt; Ende</p><p>Zweiter Absatz<br>Zeile</p>`,
    );
  });

  it("a broadcast sent only as a template shows the template's text with its parameters", async () => {
    await env.DB.prepare("INSERT INTO templates (id, name, language, body, parameter_count) VALUES ('t1', 'info', 'de', 'Liebe Bürger: {{1}}', 1)").run();
    await seedBroadcast({ id: "bt", text: "", template: { name: "info", language: "de", parameters: ["Wasser abgestellt"] }, channels: ["ch_pub"], status: "done", startedAt: T0 });
    expect((await getJsonFeed()).items[0]?.content_text).toBe("Liebe Bürger: Wasser abgestellt");
  });
});

describe("photos", () => {
  it("a published broadcast's photo is in both feeds and served publicly with cache headers", async () => {
    const bytes = await seedPhoto("pic1");
    await seedBroadcast({ id: "bpic", channels: ["ch_pub"], status: "done", startedAt: T0, mediaId: "pic1" });
    const json = await getJsonFeed();
    expect(json.items[0]?.image).toBe("https://townwire.test/feed/media/pic1");
    expect(json.items[0]?.attachments).toEqual([{ url: "https://townwire.test/feed/media/pic1", mime_type: "image/jpeg", size_in_bytes: bytes.length }]);
    expect(json.items[0]?.content_html).toContain('<img src="https://townwire.test/feed/media/pic1"');
    const { feed } = await getAtom();
    expect(feed.entry?.[0]?.link.find((l) => l["@rel"] === "enclosure")).toMatchObject({ "@href": "https://townwire.test/feed/media/pic1", "@type": "image/jpeg", "@length": String(bytes.length) });

    const res = await api("/feed/media/pic1", { origin: null });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("etag")).toBe('"sha-pic1"');
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect((await api("/feed/media/pic1", { origin: null, headers: { "if-none-match": '"sha-pic1"' } })).status).toBe(304);
  });

  it("serves no other media: unattached, citizens', of drafts, of internal or mixed or cancelled broadcasts", async () => {
    await seedPhoto("loose");
    await seedPhoto("citizen");
    await env.DB.prepare("UPDATE media SET uploaded_by = NULL, citizen_id = 'cz1' WHERE id = 'citizen'").run();
    for (const [id, channels, status] of [
      ["draftpic", ["ch_pub"], "draft"],
      ["intpic", ["ch_int"], "done"],
      ["mixpic", ["ch_pub", "ch_int"], "done"],
      ["cancelpic", ["ch_pub"], "cancelled"],
    ] as const) {
      await seedPhoto(id);
      await seedBroadcast({ id: `b${id}`, channels: [...channels], status, mediaId: id, ...(status === "cancelled" ? { startedAt: T0 } : {}) });
    }
    for (const id of ["loose", "citizen", "draftpic", "intpic", "mixpic", "cancelpic", "nope", "..%2Fsecret", "A"]) {
      const res = await api(`/feed/media/${id}`, { origin: null });
      expect(res.status, id).toBe(404);
      expect(res.headers.get("cache-control") ?? "").not.toContain("public");
    }
    expect((await api("/feed.json", { origin: null }).then((r) => r.text()))).not.toContain("/feed/media/");
  });
});
