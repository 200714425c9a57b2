// Meta's rules for a new message template, checked before it is submitted, so the clerk learns each
// problem in German instead of by a rejection days later. Pure TS (no imports): the worker and the
// staff app share it.

export const TEMPLATE_CATEGORIES = ["UTILITY", "MARKETING"] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const TEMPLATE_NAME_MAX = 512;
export const TEMPLATE_BODY_MAX = 1024;
export const TEMPLATE_HEADER_MAX = 60;
export const TEMPLATE_FOOTER_MAX = 60;
export const TEMPLATE_BUTTONS_MAX = 3;
export const TEMPLATE_BUTTON_TEXT_MAX = 25;

export interface TemplateHeaderComponent {
  type: "HEADER";
  format: "TEXT" | "IMAGE";
  text?: string;
  /** header_text: the example for the header's {{1}}; header_handle: an uploaded sample image. */
  example?: { header_text?: string[]; header_handle?: string[] };
}

export interface TemplateBodyComponent {
  type: "BODY";
  text: string;
  /** One example value per placeholder, in order: [[ "Maria", "Flohmarkt" ]]. */
  example?: { body_text?: string[][] };
}

export interface TemplateFooterComponent {
  type: "FOOTER";
  text: string;
}

export interface TemplateQuickReplyButton {
  type: "QUICK_REPLY";
  text: string;
}

export interface TemplateButtonsComponent {
  type: "BUTTONS";
  buttons: TemplateQuickReplyButton[];
}

export type TemplateComponent =
  | TemplateHeaderComponent
  | TemplateBodyComponent
  | TemplateFooterComponent
  | TemplateButtonsComponent;

/** A new template in Meta's shape (POST /{waba-id}/message_templates). */
export interface TemplateDraft {
  name: string;
  language: string;
  category: string;
  components: TemplateComponent[];
}

export interface TemplateProblem {
  /** Where the problem is: "name", "components.1.text", "components.3.buttons.0.text" … */
  path: string;
  /** German, for the clerk. */
  message: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholder keys of a text in order of appearance ("1", "2", …), duplicates kept. */
export function placeholderKeys(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
}

/** Number of distinct placeholders {{1}}..{{n}} in a text. */
export function countPlaceholders(text: string): number {
  return new Set(placeholderKeys(text)).size;
}

/** Problems with the placeholders of one text: numbering 1..n without gaps, not at the very start or end. */
function checkPlaceholders(text: string, path: string, where: string, max: number): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const keys = placeholderKeys(text);
  if (keys.length === 0) return problems;
  const bad = keys.filter((k) => !/^[1-9]\d*$/.test(k));
  if (bad.length) {
    problems.push({ path, message: `${where}: Platzhalter müssen {{1}}, {{2}} … heißen (gefunden: {{${bad[0]}}})` });
    return problems;
  }
  const distinct = [...new Set(keys.map(Number))].sort((a, b) => a - b);
  if (distinct.some((n, i) => n !== i + 1)) {
    problems.push({ path, message: `${where}: Platzhalter müssen lückenlos ab {{1}} nummeriert sein (gefunden: ${distinct.map((n) => `{{${n}}}`).join(", ")})` });
  }
  if (distinct.length > max) {
    problems.push({ path, message: `${where}: höchstens ${max} Platzhalter erlaubt` });
  }
  const trimmed = text.trim();
  if (/^\{\{[^{}]*\}\}/.test(trimmed)) {
    problems.push({ path, message: `${where}: darf nicht mit einem Platzhalter beginnen – bitte Text davor schreiben` });
  }
  if (/\{\{[^{}]*\}\}$/.test(trimmed)) {
    problems.push({ path, message: `${where}: darf nicht mit einem Platzhalter enden – bitte Text danach schreiben` });
  }
  return problems;
}

function isBlank(s: string | undefined): boolean {
  return s === undefined || s.trim() === "";
}

/** Every problem Meta would reject the template for (empty list: fine to submit). */
export function checkTemplate(input: TemplateDraft): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!/^[a-z0-9_]{1,512}$/.test(input.name)) {
    problems.push({
      path: "name",
      message: "Name: nur Kleinbuchstaben, Ziffern und Unterstriche (z. B. „newsletter_woche“), höchstens 512 Zeichen",
    });
  }
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(input.language)) {
    problems.push({ path: "language", message: "Sprache: ein Sprachcode wie „de“ oder „de_AT“" });
  }
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(input.category)) {
    problems.push({ path: "category", message: "Kategorie: UTILITY (Service-Information) oder MARKETING (Newsletter, Werbung)" });
  }
  const comps = Array.isArray(input.components) ? input.components : [];
  const count = (type: TemplateComponent["type"]) => comps.filter((c) => c.type === type).length;
  for (const type of ["HEADER", "BODY", "FOOTER", "BUTTONS"] as const) {
    if (count(type) > 1) problems.push({ path: "components", message: `Nur ein Bestandteil vom Typ ${type} erlaubt` });
  }
  if (count("BODY") === 0) problems.push({ path: "components", message: "Der Haupttext (BODY) fehlt" });

  comps.forEach((c, i) => {
    const at = `components.${i}`;
    switch (c.type) {
      case "HEADER": {
        if (c.format === "TEXT") {
          const text = c.text ?? "";
          if (isBlank(text)) problems.push({ path: `${at}.text`, message: "Überschrift: Text fehlt" });
          if (text.length > TEMPLATE_HEADER_MAX) {
            problems.push({ path: `${at}.text`, message: `Überschrift: höchstens ${TEMPLATE_HEADER_MAX} Zeichen (jetzt ${text.length})` });
          }
          const headerKeys = placeholderKeys(text);
          if (headerKeys.length > 0) {
            if (new Set(headerKeys).size > 1 || headerKeys[0] !== "1") {
              problems.push({ path: `${at}.text`, message: "Überschrift: höchstens ein Platzhalter, und der heißt {{1}}" });
            }
            const ex = c.example?.header_text;
            if (!ex || ex.length < 1 || isBlank(ex[0])) {
              problems.push({ path: `${at}.example`, message: "Überschrift: Beispielwert für {{1}} fehlt" });
            }
          }
        } else if (c.format === "IMAGE") {
          if (!c.example?.header_handle?.length || isBlank(c.example.header_handle[0])) {
            problems.push({ path: `${at}.example`, message: "Bild-Überschrift: ein Beispielbild muss hochgeladen werden" });
          }
        } else {
          problems.push({ path: `${at}.format`, message: "Überschrift: Text oder Bild" });
        }
        break;
      }
      case "BODY": {
        const text = c.text ?? "";
        if (isBlank(text)) problems.push({ path: `${at}.text`, message: "Haupttext fehlt" });
        if (text.length > TEMPLATE_BODY_MAX) {
          problems.push({ path: `${at}.text`, message: `Haupttext: höchstens ${TEMPLATE_BODY_MAX} Zeichen (jetzt ${text.length})` });
        }
        problems.push(...checkPlaceholders(text, `${at}.text`, "Haupttext", 100));
        const n = countPlaceholders(text);
        if (n > 0) {
          const ex = c.example?.body_text?.[0];
          if (!ex || ex.length < n || ex.slice(0, n).some(isBlank)) {
            problems.push({ path: `${at}.example`, message: `Haupttext: für jeden Platzhalter ({{1}} bis {{${n}}}) ist ein Beispielwert nötig` });
          }
        }
        break;
      }
      case "FOOTER": {
        const text = c.text ?? "";
        if (isBlank(text)) problems.push({ path: `${at}.text`, message: "Fußzeile: Text fehlt (oder Fußzeile weglassen)" });
        if (text.length > TEMPLATE_FOOTER_MAX) {
          problems.push({ path: `${at}.text`, message: `Fußzeile: höchstens ${TEMPLATE_FOOTER_MAX} Zeichen (jetzt ${text.length})` });
        }
        if (placeholderKeys(text).length) problems.push({ path: `${at}.text`, message: "Fußzeile: keine Platzhalter erlaubt" });
        break;
      }
      case "BUTTONS": {
        const buttons = Array.isArray(c.buttons) ? c.buttons : [];
        if (buttons.length === 0) problems.push({ path: `${at}.buttons`, message: "Schaltflächen: mindestens eine (oder weglassen)" });
        if (buttons.length > TEMPLATE_BUTTONS_MAX) {
          problems.push({ path: `${at}.buttons`, message: `Höchstens ${TEMPLATE_BUTTONS_MAX} Schnellantwort-Schaltflächen` });
        }
        const texts = new Set<string>();
        buttons.forEach((b, j) => {
          const bt = b.text ?? "";
          if (b.type !== "QUICK_REPLY") problems.push({ path: `${at}.buttons.${j}.type`, message: "Nur Schnellantwort-Schaltflächen (QUICK_REPLY)" });
          if (isBlank(bt)) problems.push({ path: `${at}.buttons.${j}.text`, message: `Schaltfläche ${j + 1}: Beschriftung fehlt` });
          if (bt.length > TEMPLATE_BUTTON_TEXT_MAX) {
            problems.push({ path: `${at}.buttons.${j}.text`, message: `Schaltfläche ${j + 1}: höchstens ${TEMPLATE_BUTTON_TEXT_MAX} Zeichen (jetzt ${bt.length})` });
          }
          if (placeholderKeys(bt).length) problems.push({ path: `${at}.buttons.${j}.text`, message: `Schaltfläche ${j + 1}: keine Platzhalter erlaubt` });
          if (texts.has(bt.trim())) problems.push({ path: `${at}.buttons.${j}.text`, message: `Schaltfläche ${j + 1}: gleiche Beschriftung wie eine andere` });
          texts.add(bt.trim());
        });
        break;
      }
      default:
        problems.push({ path: `${at}.type`, message: "Unbekannter Bestandteil (erlaubt: HEADER, BODY, FOOTER, BUTTONS)" });
    }
  });
  return problems;
}

/** The body text of a template (for previews and the parameter count). */
export function templateBody(components: readonly { type: string; text?: string }[]): string {
  return components.find((c) => c.type.toUpperCase() === "BODY")?.text ?? "";
}

/** Quick-reply button labels of a template, in order. */
export function quickReplyButtons(components: readonly unknown[]): string[] {
  for (const c of components) {
    if (c && typeof c === "object" && "type" in c && String((c as { type: unknown }).type).toUpperCase() === "BUTTONS") {
      const buttons = (c as { buttons?: unknown }).buttons;
      if (!Array.isArray(buttons)) return [];
      return buttons
        .filter((b): b is { type: string; text: string } => !!b && typeof b === "object" && String((b as { type?: unknown }).type).toUpperCase() === "QUICK_REPLY")
        .map((b) => String(b.text));
    }
  }
  return [];
}
