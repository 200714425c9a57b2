// Deterministic malformed input for the fuzz test: a seeded PRNG and generators of bad values,
// bodies, content types, path ids and query strings.

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof prng>;

const UNICODE = ["ä", "ß", "€", "🙈", "👩‍👩‍👧", "\u0000", "\u200b", "\u202e", "\ufeff", "\ud800", "𝕏", "ﷺ", "\n", "\\", "'", '"', "%", "_", "<", "&", "😀".repeat(3)];

/** A string that is empty, huge, unicode-laden, or otherwise unexpected. */
export function badString(r: Rng): string {
  switch (r.int(12)) {
    case 0:
      return "";
    case 1:
      return " ".repeat(r.int(5) + 1);
    case 2:
      // Lengths at the edges of common limits (50-byte LIKE pattern, 100-character fields, 4096 text).
      return "x".repeat(r.pick([49, 50, 51, 99, 100, 101, 256, 1_025, 4_097, 20_000, 100_001]));
    case 3:
      return Array.from({ length: r.int(60) + 1 }, () => r.pick(UNICODE)).join("");
    case 4:
      return r.pick(["ä", "ß", "🙈"]).repeat(r.pick([13, 25, 26, 49, 50, 51, 99, 100, 101, 2_049]));
    case 5:
      return r.pick(["null", "undefined", "true", "NaN", "-1", "0", "1e999", "[]", "{}", "__proto__", "constructor"]);
    case 6:
      return r.pick(["' OR 1=1 --", "%_%", "\\%", "'; DROP TABLE staff; --", "<script>alert(1)</script>", "../../etc/passwd"]);
    case 7:
      return r.pick(["2027-13-45T25:61", "2027-02-30T09:00", "9999-12-31T23:59", "0000-01-01T00:00", "2027-03-28T02:30", "gestern"]);
    case 8:
      return r.pick(["+43 664 123", "0".repeat(40), "4".repeat(200), "+", "00", "0664-1234567"]);
    case 9:
      return r.pick(["APPROVED", "all", "open", "draft", "admin", "editor", "agent", "newsletter", "alert", "image/png"]);
    case 10:
      return `${r.pick(UNICODE)}${"a".repeat(r.int(70))}${r.pick(UNICODE)}`;
    default:
      return `t${r.int(1_000_000).toString(36)}`;
  }
}

export function badNumber(r: Rng): number {
  return r.pick([-1, 0, -0, 0.5, -1e308, 1e308, 2 ** 53, 2 ** 53 - 1, 8.64e15 + 1, 2 ** 63, -(2 ** 31), 1.7976931348623157e308, 4.9e-324, 1e21, 86_400_001, 999_999_999_999_999, r.int(100)]);
}

/** Any JSON value, biased to wrong types and extremes. */
export function badValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return badNumber(r);
    case 3:
    case 4:
      return badString(r);
    case 5:
      return Array.from({ length: r.pick([0, 1, 3, 51, 101, 501]) }, () => (r.chance(0.7) ? badString(r) : badValue(r, depth + 1)));
    case 6:
      return { [badString(r).slice(0, 40)]: badValue(r, depth + 1), nested: badValue(r, depth + 1) };
    default:
      return r.pick<unknown>([[], {}, [[[]]], JSON.parse('{"__proto__":{"admin":true}}'), { constructor: { prototype: {} } }]);
  }
}

/** A valid-looking body with one or two fields broken, dropped or added. */
export function mutate(r: Rng, valid: Record<string, unknown>): unknown {
  const body: Record<string, unknown> = { ...valid };
  const keys = Object.keys(body);
  const rounds = r.int(2) + 1;
  for (let i = 0; i < rounds; i++) {
    const key = keys.length ? r.pick(keys) : "x";
    switch (r.int(4)) {
      case 0:
        delete body[key];
        break;
      case 1:
        body[r.pick([key, "extra", "id", "role", "__proto__"])] = badValue(r);
        break;
      case 2:
        body[key] = sameTypeButBad(r, body[key]);
        break;
      default:
        body[key] = badValue(r);
    }
  }
  return body;
}

/** The valid body with exactly one field at the extremes of its own type (the rest stays valid). */
export function breakOneField(r: Rng, valid: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(valid);
  if (!keys.length) return { [badString(r).slice(0, 20)]: badValue(r) };
  const key = r.pick(keys);
  return { ...valid, [key]: sameTypeButBad(r, valid[key]) };
}

/** A value of the same JSON type as `v`, at its extremes: these get past type checks into the code. */
export function sameTypeButBad(r: Rng, v: unknown): unknown {
  if (typeof v === "number") return badNumber(r);
  if (typeof v === "string") return badString(r);
  if (typeof v === "boolean") return !v;
  if (Array.isArray(v)) return Array.from({ length: r.pick([0, 1, 2, 21, 51, 101]) }, () => (r.chance(0.5) ? v[0] : badString(r)));
  return badValue(r);
}

/** Raw body text (or bytes) that is not what the route expects at all. */
export function badRawBody(r: Rng): string | Uint8Array<ArrayBuffer> {
  if (r.chance(0.05)) return new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x80, 0x22, 0x7d]);
  return r.pick([
    "",
    "{",
    "}",
    "nul",
    "[1,2",
    '{"a":}',
    "\u0000\u0001",
    "a=1&b=2",
    '"just a string"',
    "123",
    "[]",
    "null",
    "true",
    `{"x":"${"y".repeat(300_000)}"}`,
    JSON.stringify({ deep: nest(r.pick([50, 500, 5_000])) }),
    "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nnot a png\r\n--x--\r\n",
  ]);
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

export const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "multipart/form-data",
  "application/octet-stream",
  "image/png",
  "application/json; charset=latin1",
] as const;

/** Path segments that are not ids: wrong alphabet, huge, encoded oddities, broken percent-escapes. */
export const BOGUS_IDS = [
  "0",
  "-1",
  "1.5",
  "1e999",
  "99999999999999999999999",
  "abc",
  "ABC",
  "%C3%A4",
  "%F0%9F%99%88",
  "%00",
  "%E0%A4%A",
  "%",
  "%ZZ",
  "..%2F..%2Fetc",
  "x".repeat(300),
  "a%20b",
  "null",
  "undefined",
  "__proto__",
] as const;

/** encodeURIComponent throws on lone surrogates. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

const QUERY_VALUES = [
  "ä".repeat(26),
  "ä".repeat(100),
  "x".repeat(49),
  "x".repeat(100),
  "4".repeat(60),
  encodeURIComponent("Straßenbeleuchtung in der Größenordnung über fünfzig Bytes"),
  encodeURIComponent("+43 664 1234567 ".repeat(4)),
  "", "%", "%E0%A4%A", "%ZZ", "-1", "0", "1e999", "NaN", "x".repeat(500), "%C3%A4".repeat(60), "true", "all", "APPROVED", "1:abc", "1.abc", "123.", ":"];

/**
 * A query string from the route's valid one with exactly one value broken (or a stranger key
 * added), the others valid: so the broken value gets past the rest and reaches the code behind.
 */
export function badQuery(r: Rng, valid: Record<string, string>): string {
  const params: [string, string][] = Object.entries(valid)
    .filter(() => r.chance(0.8))
    .map(([k, v]) => [k, encodeURIComponent(v)]);
  const keys = Object.keys(valid);
  const key = r.chance(0.9) && keys.length ? r.pick(keys) : r.pick(["x", "__proto__", "q[]", "%ZZ"]);
  const value = r.chance(0.6) ? r.pick(QUERY_VALUES) : encodeURIComponent(wellFormed(badString(r).slice(0, 300)));
  const at = params.findIndex(([k]) => k === key);
  if (at >= 0 && r.chance(0.9)) params[at] = [key, value];
  else params.push([key, value]);
  return params.map(([k, v]) => `${k}=${v}`).join("&");
}

/** A copy of `value` with one nested field (at any depth) broken, dropped or duplicated. */
export function mutateDeep(r: Rng, value: unknown): unknown {
  const copy = structuredClone(value);
  let node: unknown = copy;
  for (let depth = 0; depth < 8; depth++) {
    if (!node || typeof node !== "object") break;
    const container = node as Record<string, unknown>;
    const keys = Object.keys(container);
    if (!keys.length) break;
    const key = r.pick(keys);
    const child = container[key];
    if (child && typeof child === "object" && r.chance(0.7)) {
      node = child;
      continue;
    }
    if (Array.isArray(container) && r.chance(0.3)) {
      container.push(...Array.from({ length: r.pick([1, 120]) }, () => structuredClone(container[0])));
    } else if (r.chance(0.2)) {
      delete container[key];
    } else {
      container[key] = badValue(r);
    }
    break;
  }
  return copy;
}
