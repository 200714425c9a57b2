// Request bodies the fake Graph API accepts, with Meta's documented limits, and Meta's error envelope.
import { z } from "zod";

const textObject = z.strictObject({ type: z.literal("text"), text: z.string().min(1).max(60) });
const mediaRef = z.union([
  z.object({ id: z.string().regex(/^\d+$/, "media id must be numeric"), caption: z.string().max(1024).optional() }),
  z.object({ link: z.url(), caption: z.string().max(1024).optional() }),
]);

const textMessage = z.object({
  type: z.literal("text"),
  text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
});

const imageMessage = z.object({ type: z.literal("image"), image: mediaRef });

const templateParameter = z.union([
  z.object({ type: z.literal("text"), text: z.string().min(1).max(1024) }),
  z.object({ type: z.literal("image"), image: mediaRef }),
  z.object({ type: z.literal("payload"), payload: z.string() }),
  z.object({
    type: z.literal("currency"),
    currency: z.object({ fallback_value: z.string(), code: z.string().length(3), amount_1000: z.number().int() }),
  }),
  z.object({ type: z.literal("date_time"), date_time: z.object({ fallback_value: z.string() }) }),
]);

const templateMessage = z.object({
  type: z.literal("template"),
  template: z.object({
    name: z.string().min(1).max(512),
    language: z.object({ code: z.string().min(2).max(15), policy: z.literal("deterministic").optional() }),
    components: z
      .array(
        z.object({
          type: z.string().toLowerCase().pipe(z.enum(["header", "body", "button"])),
          sub_type: z.string().optional(),
          index: z.union([z.number(), z.string()]).optional(),
          parameters: z.array(templateParameter).optional(),
        }),
      )
      .optional(),
  }),
});

const interactiveCommon = {
  header: textObject.optional(),
  body: z.object({ text: z.string().min(1).max(1024) }),
  footer: z.object({ text: z.string().min(1).max(60) }).optional(),
};

const buttonsInteractive = z.object({
  type: z.literal("button"),
  ...interactiveCommon,
  action: z.object({
    buttons: z
      .array(z.object({ type: z.literal("reply"), reply: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }) }))
      .min(1)
      .max(3),
  }),
});

const listInteractive = z.object({
  type: z.literal("list"),
  ...interactiveCommon,
  action: z.object({
    button: z.string().min(1).max(20),
    sections: z
      .array(
        z.object({
          title: z.string().max(24).optional(),
          rows: z
            .array(
              z.object({
                id: z.string().min(1).max(200),
                title: z.string().min(1).max(24),
                description: z.string().max(72).optional(),
              }),
            )
            .min(1)
            .max(10),
        }),
      )
      .min(1)
      .max(10)
      .refine((s) => s.reduce((n, sec) => n + sec.rows.length, 0) <= 10, "a list may have at most 10 rows in total"),
  }),
});

const interactiveMessage = z.object({
  type: z.literal("interactive"),
  interactive: z.discriminatedUnion("type", [buttonsInteractive, listInteractive]),
});

const envelope = {
  messaging_product: z.literal("whatsapp"),
  recipient_type: z.literal("individual").optional(),
  /** Phone number; "+43 664 …" forms are accepted as at Meta. */
  to: z.string().optional(),
  /** Business-scoped user id, for citizens without a known number. */
  recipient: z.string().optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
  context: z.object({ message_id: z.string().min(1) }).optional(),
};

export const sendBodySchema = z
  .discriminatedUnion("type", [
    textMessage.extend(envelope),
    imageMessage.extend(envelope),
    templateMessage.extend(envelope),
    interactiveMessage.extend(envelope),
  ])
  .superRefine((b, ctx) => {
    if (!b.to && !b.recipient) ctx.addIssue({ code: "custom", path: ["to"], message: "to or recipient is required" });
    if (b.to && !/^\d{6,15}$/.test(b.to.replace(/[\s+\-()]/g, ""))) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "not a valid phone number" });
    }
  });
export type SendBody = z.infer<typeof sendBodySchema>;

export const readBodySchema = z.object({
  messaging_product: z.literal("whatsapp"),
  status: z.literal("read"),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal("text") }).optional(),
});

/** Meta's supported media types and their upload size limits (bytes). */
export const MEDIA_LIMITS: Record<string, number> = {
  "image/jpeg": 5 * 1024 * 1024,
  "image/png": 5 * 1024 * 1024,
  "image/webp": 500 * 1024,
  "video/mp4": 16 * 1024 * 1024,
  "video/3gpp": 16 * 1024 * 1024,
  "audio/aac": 16 * 1024 * 1024,
  "audio/amr": 16 * 1024 * 1024,
  "audio/mpeg": 16 * 1024 * 1024,
  "audio/mp4": 16 * 1024 * 1024,
  "audio/ogg": 16 * 1024 * 1024,
  "text/plain": 16 * 1024 * 1024,
  "application/pdf": 16 * 1024 * 1024,
};
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: "whatsapp"; details: string };
    fbtrace_id: string;
  };
}

const traceId = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))).replace(/[+/=]/g, "").slice(0, 23);

/** Meta's error envelope: `{error: {message, type, code, error_data, fbtrace_id}}`. */
export function graphError(
  code: number,
  message: string,
  o: { details?: string; subcode?: number; type?: string } = {},
): GraphErrorBody {
  return {
    error: {
      message,
      type: o.type ?? "OAuthException",
      code,
      ...(o.subcode !== undefined ? { error_subcode: o.subcode } : {}),
      ...(o.details !== undefined ? { error_data: { messaging_product: "whatsapp", details: o.details } } : {}),
      fbtrace_id: traceId(),
    },
  };
}

/** "path: message" of the first zod issue, as Meta words its error_data.details. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid parameter";
  const path = issue.path.join(".");
  return path ? `Param ${path}: ${issue.message}` : issue.message;
}
