import { describe, expect, it } from "vitest";
import { checkTemplate, countPlaceholders, quickReplyButtons, type TemplateDraft } from "../worker/shared/template-rules";

const good: TemplateDraft = {
  name: "newsletter_teaser",
  language: "de",
  category: "MARKETING",
  components: [
    { type: "HEADER", format: "TEXT", text: "Neues aus der Gemeinde" },
    { type: "BODY", text: "Grüß Gott {{1}}! Diese Woche: {{2}}. Tippen Sie auf Weiterlesen.", example: { body_text: [["Maria", "Flohmarkt"]] } },
    { type: "FOOTER", text: "Abmelden: ABMELDEN schreiben" },
    { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
  ],
};

const withBody = (text: string, example?: string[]): TemplateDraft => ({
  ...good,
  components: [{ type: "BODY", text, ...(example ? { example: { body_text: [example] } } : {}) }],
});

describe("checkTemplate (Meta's rules, German problems)", () => {
  it("accepts a valid template", () => {
    expect(checkTemplate(good)).toEqual([]);
    expect(quickReplyButtons(good.components)).toEqual(["Weiterlesen"]);
    expect(countPlaceholders("a {{1}} b {{2}} c {{1}}")).toBe(2);
  });

  it("refuses a bad name, language and category", () => {
    const p = checkTemplate({ ...good, name: "Newsletter Woche", language: "deutsch", category: "PROMO" });
    expect(p.map((x) => x.path)).toEqual(["name", "language", "category"]);
    expect(p[0]!.message).toMatch(/Kleinbuchstaben/);
  });

  it("refuses placeholders at the very start or end", () => {
    expect(checkTemplate(withBody("{{1}} hat Neuigkeiten.", ["x"])).map((x) => x.message).join()).toMatch(/nicht mit einem Platzhalter beginnen/);
    expect(checkTemplate(withBody("Neuigkeiten: {{1}}", ["x"])).map((x) => x.message).join()).toMatch(/nicht mit einem Platzhalter enden/);
    expect(checkTemplate(withBody("Neuigkeiten: {{1}}  \n", ["x"])).map((x) => x.message).join()).toMatch(/enden/);
    expect(checkTemplate(withBody("Neuigkeiten: {{1}}.", ["x"]))).toEqual([]);
  });

  it("refuses gaps and non-numeric placeholders", () => {
    expect(checkTemplate(withBody("Hallo {{1}} und {{3}}.", ["a", "b", "c"]))[0]!.message).toMatch(/lückenlos/);
    expect(checkTemplate(withBody("Hallo {{name}}.", ["a"]))[0]!.message).toMatch(/\{\{1\}\}, \{\{2\}\}/);
  });

  it("requires an example for every placeholder", () => {
    expect(checkTemplate(withBody("Hallo {{1}} und {{2}}.")).map((x) => x.path)).toEqual(["components.0.example"]);
    expect(checkTemplate(withBody("Hallo {{1}} und {{2}}.", ["a"])).map((x) => x.path)).toEqual(["components.0.example"]);
    expect(checkTemplate(withBody("Hallo {{1}} und {{2}}.", ["a", " "])).map((x) => x.path)).toEqual(["components.0.example"]);
  });

  it("checks lengths and buttons", () => {
    const p = checkTemplate({
      ...good,
      components: [
        { type: "HEADER", format: "TEXT", text: "x".repeat(61) },
        { type: "BODY", text: "y".repeat(1025) },
        { type: "FOOTER", text: "z".repeat(61) },
        {
          type: "BUTTONS",
          buttons: [
            { type: "QUICK_REPLY", text: "Weiterlesen" },
            { type: "QUICK_REPLY", text: "b".repeat(26) },
            { type: "QUICK_REPLY", text: "Weiterlesen" },
            { type: "QUICK_REPLY", text: "d" },
          ],
        },
      ],
    });
    expect(p.map((x) => x.path)).toEqual([
      "components.0.text",
      "components.1.text",
      "components.2.text",
      "components.3.buttons",
      "components.3.buttons.1.text",
      "components.3.buttons.2.text",
    ]);
  });

  it("requires a body and examples for header placeholders and images", () => {
    expect(checkTemplate({ ...good, components: [] })[0]!.message).toMatch(/BODY/);
    const p = checkTemplate({
      ...good,
      components: [
        { type: "HEADER", format: "TEXT", text: "Hallo {{1}}" },
        { type: "BODY", text: "Text." },
      ],
    });
    expect(p.map((x) => x.path)).toEqual(["components.0.example"]);
    const img = checkTemplate({ ...good, components: [{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Text." }] });
    expect(img.map((x) => x.path)).toEqual(["components.0.example"]);
  });
});
