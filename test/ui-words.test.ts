// Words and numbers of the staff app (inbox-ui): plurals through Intl.PluralRules, one phone-number
// format, and the check of a planned send time. Pure functions, run in the Workers runtime like the rest.
import { describe, expect, it } from "vitest";
import { applyPlurals, countOf } from "../inbox-ui/src/i18n/plural";
import { formatPhone } from "../inbox-ui/src/ui/phone";
import { sendAtProblem, viennaNowLocal } from "../inbox-ui/src/broadcasts/vienna-local";

describe("plurals", () => {
  const de = "{n|# Person|# Personen}";
  it("picks the form by Intl.PluralRules and writes the number with Intl.NumberFormat", () => {
    expect(applyPlurals(de, { n: 1 }, "de-AT")).toBe("1 Person");
    expect(applyPlurals(de, { n: 0 }, "de-AT")).toBe("0 Personen");
    expect(applyPlurals(de, { n: 2 }, "de-AT")).toBe("2 Personen");
    expect(applyPlurals(de, { n: 12345 }, "de-AT")).toMatch(/^12\s?345 Personen$|^12\.345 Personen$/);
    expect(applyPlurals("{n|# person|# people}", { n: 1234 }, "en-GB")).toBe("1,234 people");
    expect(countOf(1, "# Abonnent:in", "# Abonnent:innen", "de-AT")).toBe("1 Abonnent:in");
  });

  it("takes a number the caller formatted already: singular only for exactly '1'", () => {
    expect(applyPlurals(de, { n: "1" }, "de-AT")).toBe("1 Person");
    expect(applyPlurals(de, { n: "1.234" }, "de-AT")).toBe("1.234 Personen");
    expect(applyPlurals(de, { n: "11" }, "de-AT")).toBe("11 Personen");
  });

  it("handles several counts, verbs that agree, and leaves unknown names and plain {n} alone", () => {
    const t = "{outside} von {total|# Person|# Personen} {outside|hat|haben} nicht geschrieben";
    expect(applyPlurals(t, { outside: 1, total: 5 }, "de-AT")).toBe("{outside} von 5 Personen hat nicht geschrieben");
    expect(applyPlurals(t, { outside: 3, total: 1 }, "de-AT")).toBe("{outside} von 1 Person haben nicht geschrieben");
    expect(applyPlurals("{x|a|b} {n}", { n: 2 }, "de-AT")).toBe("{x|a|b} {n}");
    expect(applyPlurals(de, undefined, "de-AT")).toBe(de);
  });
});

describe("formatPhone: one format everywhere", () => {
  it("writes Austrian mobile, Vienna and other numbers with country and area code", () => {
    expect(formatPhone("436641234567")).toBe("+43 664 1234567");
    expect(formatPhone("436762345602")).toBe("+43 676 2345602");
    expect(formatPhone("4312345678")).toBe("+43 1 2345678");
    expect(formatPhone("43316123456")).toBe("+43 316 123456");
    expect(formatPhone("4327421234")).toBe("+43 2742 1234");
    expect(formatPhone("4915112345678")).toBe("+49 151 12345678");
  });

  it("accepts what people type and is stable when applied twice", () => {
    expect(formatPhone("+43 664/123 45 67")).toBe("+43 664 1234567");
    expect(formatPhone("0043 664 1234567")).toBe("+43 664 1234567");
    expect(formatPhone(formatPhone("436641234567"))).toBe("+43 664 1234567");
  });

  it("leaves what is not a phone number as it is", () => {
    expect(formatPhone("123")).toBe("123");
    expect(formatPhone("")).toBe("");
    expect(formatPhone("9".repeat(20))).toBe("9".repeat(20));
  });
});

describe("planned send time", () => {
  it("is missing when empty or incomplete, past when not after now (Vienna wall clock)", () => {
    const now = "2026-11-29T23:10";
    expect(sendAtProblem("", now)).toBe("missing");
    expect(sendAtProblem("2026-11-30", now)).toBe("missing");
    expect(sendAtProblem("2026-11-29T23:10", now)).toBe("past");
    expect(sendAtProblem("2026-11-29T08:00", now)).toBe("past");
    expect(sendAtProblem("2026-11-29T23:11", now)).toBeNull();
  });

  it("reads now in Vienna, also across the clock change", () => {
    expect(viennaNowLocal(Date.UTC(2026, 10, 29, 22, 10))).toBe("2026-11-29T23:10"); // CET
    expect(viennaNowLocal(Date.UTC(2026, 6, 1, 22, 10))).toBe("2026-07-02T00:10"); // CEST
    expect(viennaNowLocal(Date.UTC(2027, 2, 28, 1, 0))).toBe("2027-03-28T03:00"); // just after the change
  });
});
