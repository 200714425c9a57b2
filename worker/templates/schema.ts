// A new message template at the edge, in Meta's shape (POST /{waba-id}/message_templates). Only the
// structure is checked here; Meta's rules (placement, lengths, examples) are in shared/template-rules.
import { z } from "zod";
import type { TemplateDraft } from "../shared/template-rules";

/** A template chosen for a message: its name, language and the values of its placeholders. */
export const templateRefSchema = z.strictObject({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15),
  parameters: z.array(z.string().trim().min(1, "Platzhalter dürfen nicht leer sein").max(1024)).max(20).default([]),
});
export type TemplateRef = z.infer<typeof templateRefSchema>;

const header = z.object({
  type: z.literal("HEADER"),
  format: z.enum(["TEXT", "IMAGE"]),
  text: z.string().max(2000).optional(),
  example: z.object({ header_text: z.array(z.string().max(2000)).max(5).optional(), header_handle: z.array(z.string().max(2000)).max(5).optional() }).optional(),
});
const body = z.object({
  type: z.literal("BODY"),
  text: z.string().max(5000),
  example: z.object({ body_text: z.array(z.array(z.string().max(2000)).max(100)).max(1).optional() }).optional(),
});
const footer = z.object({ type: z.literal("FOOTER"), text: z.string().max(2000) });
const buttons = z.object({
  type: z.literal("BUTTONS"),
  buttons: z.array(z.object({ type: z.literal("QUICK_REPLY"), text: z.string().max(200) })).max(10),
});

/** Meta writes types in upper case; lower case is accepted and normalised. */
const upper = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : v);
const component = z.preprocess(
  (v) => (v && typeof v === "object" && "type" in v ? { ...v, type: upper((v as { type: unknown }).type) } : v),
  z.discriminatedUnion("type", [header, body, footer, buttons]),
);

export const templateDraftSchema = z.object({
  name: z.string().trim().min(1, "Name fehlt").max(512),
  language: z.string().trim().min(2).max(15),
  category: z.preprocess(upper, z.string().min(1).max(30)),
  components: z.array(component).min(1, "Bestandteile fehlen").max(4),
});

export const templateSubmitBodySchema = templateDraftSchema.extend({
  /** Entered by hand exactly as approved elsewhere: stored as APPROVED, not submitted. */
  manual: z.boolean().optional(),
});

export function asDraft(v: z.infer<typeof templateDraftSchema>): TemplateDraft {
  return { name: v.name, language: v.language, category: v.category, components: v.components };
}
