// Resolves a template send against the simulated account's approved templates and renders it the
// way the citizen's phone shows it. Mirrors Meta's checks: unknown name/language (132001), wrong
// number of parameters (132000).
import { and, eq } from "drizzle-orm";
import { getDb } from "../worker/db/client";
import { templates } from "../worker/db/schema";
import type { Env } from "./env";
import { DEMO_TEMPLATES, fillPlaceholders, placeholderCount } from "./demo-templates";
import type { SendBody } from "./graph-schemas";
import { simulator } from "./simulator";
import { quickReplyButtons } from "../worker/shared/template-rules";

type TemplateSend = Extract<SendBody, { type: "template" }>["template"];

/** A type alias (not an interface) so it counts as plain JSON for the Durable Object RPC. */
export type RenderedTemplate = {
  category: "utility" | "marketing";
  header: string | null;
  body: string;
  footer: string | null;
  /** Quick-reply buttons; a tap sends `payload` back (the button text when the send set none, as at Meta). */
  buttons: { text: string; payload: string }[];
};

export type TemplateOutcome =
  | { ok: true; rendered: RenderedTemplate }
  | { ok: false; code: 132000 | 132001; message: string; details: string };

interface Known {
  category: string;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: string[];
}

const componentText = (components: unknown[] | null | undefined, type: string): string | null => {
  for (const c of components ?? []) {
    if (c && typeof c === "object" && "type" in c && String(c.type).toUpperCase() === type && "text" in c && typeof c.text === "string") {
      return c.text;
    }
  }
  return null;
};

/** The built-in demo templates, then those submitted to the simulator and approved, then APPROVED rows of the `templates` table (as if Meta had approved them). */
async function findTemplate(env: Env, name: string, language: string): Promise<Known | null> {
  const demo = DEMO_TEMPLATES.find((t) => t.name === name && t.language === language);
  if (demo) {
    return {
      category: demo.category,
      header: componentText(demo.components, "HEADER"),
      body: componentText(demo.components, "BODY") ?? "",
      footer: componentText(demo.components, "FOOTER"),
      buttons: quickReplyButtons(demo.components),
    };
  }
  const submitted = await simulator(env).approvedTemplate(name, language);
  if (submitted) {
    const components = JSON.parse(submitted.componentsJson) as unknown[];
    return {
      category: submitted.category,
      header: componentText(components, "HEADER"),
      body: componentText(components, "BODY") ?? "",
      footer: componentText(components, "FOOTER"),
      buttons: quickReplyButtons(components),
    };
  }
  const row = await getDb(env.DB)
    .select()
    .from(templates)
    .where(and(eq(templates.name, name), eq(templates.language, language), eq(templates.status, "APPROVED")))
    .get();
  if (!row) return null;
  return {
    category: row.category,
    header: componentText(row.components, "HEADER"),
    body: componentText(row.components, "BODY") ?? row.body,
    footer: componentText(row.components, "FOOTER"),
    buttons: quickReplyButtons(row.components ?? []),
  };
}

function textParams(send: TemplateSend, type: "header" | "body"): string[] {
  const comp = send.components?.find((c) => c.type === type);
  return (comp?.parameters ?? []).map((p) => (p.type === "text" ? p.text : p.type === "payload" ? p.payload : `[${p.type}]`));
}

export async function renderTemplate(env: Env, send: TemplateSend): Promise<TemplateOutcome> {
  const known = await findTemplate(env, send.name, send.language.code);
  if (!known) {
    return {
      ok: false,
      code: 132001,
      message: "(#132001) Template name does not exist in the translation",
      details: `template name (${send.name}) does not exist in ${send.language.code}`,
    };
  }
  const bodyParams = textParams(send, "body");
  const headerParams = textParams(send, "header");
  for (const [part, text, given] of [
    ["body", known.body, bodyParams],
    ["header", known.header ?? "", headerParams],
  ] as const) {
    const expected = placeholderCount(text);
    if (given.length !== expected) {
      return {
        ok: false,
        code: 132000,
        message: "(#132000) Number of parameters does not match the expected number of params",
        details: `${part}: number of localizable_params (${given.length}) does not match the expected number of params (${expected})`,
      };
    }
  }
  return {
    ok: true,
    rendered: {
      category: known.category.toUpperCase() === "MARKETING" ? "marketing" : "utility",
      header: known.header ? fillPlaceholders(known.header, headerParams) : null,
      body: fillPlaceholders(known.body, bodyParams),
      footer: known.footer,
      buttons: known.buttons.map((text, i) => ({ text, payload: buttonPayload(send, i) ?? text })),
    },
  };
}

function buttonPayload(send: TemplateSend, index: number): string | null {
  const comp = send.components?.find((c) => c.type === "button" && c.sub_type === "quick_reply" && Number(c.index) === index);
  const p = comp?.parameters?.find((x) => x.type === "payload");
  return p && p.type === "payload" ? p.payload : null;
}
