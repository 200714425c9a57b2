// The template composer's form and how it becomes Meta's shape ({name, language, category,
// components}); problems from checkTemplate() are mapped back to the field they belong to.
import {
  checkTemplate,
  countPlaceholders,
  placeholderKeys,
  type TemplateCategory,
  type TemplateComponent,
  type TemplateDraft,
  type TemplateProblem,
} from "../../../worker/shared/template-rules";

export interface ComposerState {
  name: string;
  category: TemplateCategory;
  language: string;
  headerKind: "none" | "text" | "image";
  headerText: string;
  headerExample: string;
  /** Uploaded sample image: what goes to the server as header_handle, and a URL to show it. */
  headerImage: { handle: string; url: string } | null;
  body: string;
  bodyExamples: string[];
  footer: string;
  buttons: string[];
  manual: boolean;
}

export const LANGUAGES = ["de", "de_AT", "en", "en_US"] as const;

export function emptyComposer(): ComposerState {
  return {
    name: "",
    category: "MARKETING",
    language: "de",
    headerKind: "none",
    headerText: "",
    headerExample: "",
    headerImage: null,
    body: "",
    bodyExamples: [],
    footer: "",
    buttons: [],
    manual: false,
  };
}

/** Where each component sits in the array (problem paths name the index). */
interface Layout {
  header: number | null;
  body: number;
  footer: number | null;
  buttons: number | null;
}

export function toDraft(s: ComposerState): { draft: TemplateDraft; layout: Layout } {
  const components: TemplateComponent[] = [];
  const layout: Layout = { header: null, body: 0, footer: null, buttons: null };
  if (s.headerKind === "text") {
    layout.header = components.length;
    const hasVar = placeholderKeys(s.headerText).length > 0;
    components.push({ type: "HEADER", format: "TEXT", text: s.headerText, ...(hasVar ? { example: { header_text: [s.headerExample] } } : {}) });
  } else if (s.headerKind === "image") {
    layout.header = components.length;
    components.push({ type: "HEADER", format: "IMAGE", example: { header_handle: s.headerImage ? [s.headerImage.handle] : [] } });
  }
  layout.body = components.length;
  const n = countPlaceholders(s.body);
  components.push({ type: "BODY", text: s.body, ...(n > 0 ? { example: { body_text: [s.bodyExamples.slice(0, n)] } } : {}) });
  if (s.footer.trim()) {
    layout.footer = components.length;
    components.push({ type: "FOOTER", text: s.footer });
  }
  if (s.buttons.length > 0) {
    layout.buttons = components.length;
    components.push({ type: "BUTTONS", buttons: s.buttons.map((text) => ({ type: "QUICK_REPLY", text })) });
  }
  return { draft: { name: s.name.trim(), language: s.language, category: s.category, components }, layout };
}

/** The form field a problem belongs to: name, category, language, header, headerExample, body, bodyExamples, footer, buttons, button0 … */
export function fieldOf(path: string, layout: Layout): string {
  if (path === "name" || path === "language" || path === "category") return path;
  const m = /^components\.(\d+)\.?([a-z_]*)\.?(\d+)?/.exec(path);
  if (!m) return "body";
  const i = Number(m[1]);
  const part = m[2] ?? "";
  if (i === layout.header) return part === "example" ? "headerExample" : "header";
  if (i === layout.body) return part === "example" ? "bodyExamples" : "body";
  if (i === layout.footer) return "footer";
  if (i === layout.buttons) return m[3] !== undefined ? `button${m[3]}` : "buttons";
  return "body";
}

export interface Checked {
  draft: TemplateDraft;
  problems: TemplateProblem[];
  /** First problem per field, for the message under it. */
  byField: Record<string, string>;
}

export function checkComposer(s: ComposerState): Checked {
  const { draft, layout } = toDraft(s);
  const problems = checkTemplate(draft);
  return { draft, problems, byField: problemsByField(problems, layout) };
}

export function problemsByField(problems: readonly TemplateProblem[], layout: Layout): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const p of problems) {
    const f = fieldOf(p.path, layout);
    if (!(f in byField)) byField[f] = p.message;
  }
  return byField;
}

/** The next free placeholder number in a body ({{1}} when there is none). */
export function nextPlaceholder(body: string): number {
  const nums = placeholderKeys(body).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return nums.length ? Math.max(...nums) + 1 : 1;
}

/** A name Meta accepts, made from what the clerk typed ("Newsletter Woche" → "newsletter_woche"). */
export function slugName(input: string): string {
  return input
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 512);
}
