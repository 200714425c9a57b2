// The fake Graph API (local use only): what the worker's WhatsApp client calls, answered in Meta's
// shapes, including Meta's error envelope. Mounted at /__dev/graph/<version>.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { getConfig, type Env } from "../env";
import { businessIdentity } from "./business";
import { DEMO_TEMPLATES } from "./demo-templates";
import { mediaDownloadUrl, requireGraphToken } from "./graph-auth";
import {
  describeIssue,
  graphError,
  MAX_UPLOAD_BYTES,
  MEDIA_LIMITS,
  readBodySchema,
  sendBodySchema,
  type GraphErrorBody,
  type SendBody,
} from "./graph-schemas";
import { simulator } from "./simulator";
import type { JsonObject } from "./simulator-tables";
import { renderTemplate } from "./template-render";
import { checkTemplate, type TemplateDraft } from "../shared/template-rules";
import { z } from "zod";
import { asDraft, templateDraftSchema } from "../templates/schema";

const templateSubmitSchema = templateDraftSchema.extend({
  parameter_format: z.string().optional(),
  allow_category_change: z.boolean().optional(),
});

type Ctx = Context<{ Bindings: Env }>;

export const graphRoutes = new Hono<{ Bindings: Env }>();
graphRoutes.use("*", requireGraphToken);

const fail = (c: Ctx, status: ContentfulStatusCode, body: GraphErrorBody) => c.json(body, status);

const unsupported = (c: Ctx, method: "get" | "post", id: string) =>
  fail(
    c,
    400,
    graphError(
      100,
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      { subcode: 33, type: "GraphMethodException" },
    ),
  );

const invalidParameter = (c: Ctx, details: string) => fail(c, 400, graphError(100, "(#100) Invalid parameter", { details }));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

graphRoutes.post("/:phoneId/messages", async (c) => {
  const env = c.env;
  if (c.req.param("phoneId") !== getConfig(env).WHATSAPP_PHONE_NUMBER_ID) return unsupported(c, "post", c.req.param("phoneId"));
  const body: unknown = await c.req.json().catch(() => undefined);
  if (!isObject(body)) return invalidParameter(c, "Request body must be a JSON object");
  const sim = simulator(env);

  if ("status" in body) {
    const read = readBodySchema.safeParse(body);
    if (!read.success) return invalidParameter(c, describeIssue(read.error));
    await sim.markRead(read.data.message_id, Boolean(read.data.typing_indicator));
    return c.json({ success: true });
  }

  const parsed = sendBodySchema.safeParse(body);
  if (!parsed.success) return invalidParameter(c, describeIssue(parsed.error));
  const send = parsed.data;
  const address = send.to ? send.to.replace(/\D/g, "") : (send.recipient ?? "");

  let category: "service" | "utility" | "marketing" = "service";
  let content: JsonObject = messagePart(send);
  if (send.type === "template") {
    const outcome = await renderTemplate(env, send.template);
    if (!outcome.ok) return fail(c, 400, graphError(outcome.code, outcome.message, { details: outcome.details }));
    category = outcome.rendered.category;
    content = { ...content, rendered: outcome.rendered };
  }

  const { wamid } = await sim.townSends({
    waId: address,
    type: send.type,
    content,
    callbackData: send.biz_opaque_callback_data ?? null,
    category,
    needsWindow: send.type !== "template",
    mediaId: send.type === "image" && "id" in send.image ? send.image.id : null,
    origin: new URL(c.req.url).origin,
  });
  if (Math.random() < getConfig(env).SIMULATOR_LOSE_ANSWERS) {
    // Opt-in fault: the message is taken (its status webhooks follow), but the answer is lost on the
    // way, like a gateway timing out: no Meta envelope, so the worker cannot know it was accepted.
    return c.html("<html><body>504 Gateway Time-out</body></html>", 504);
  }
  return c.json({
    messaging_product: "whatsapp",
    contacts: [send.to ? { input: send.to, wa_id: address } : { input: address, user_id: address }],
    messages: [{ id: wamid, ...(send.type === "template" ? { message_status: "accepted" } : {}) }],
  });
});

/** The part of a send body the phone shows: the typed message object and the reply context. */
function messagePart(send: SendBody): JsonObject {
  const ctx = send.context ? { context: { id: send.context.message_id } } : {};
  switch (send.type) {
    case "text":
      return { type: "text", text: send.text, ...ctx };
    case "image":
      return { type: "image", image: send.image, ...ctx };
    case "template":
      return { type: "template", template: send.template, ...ctx };
    case "interactive":
      return { type: "interactive", interactive: send.interactive, ...ctx };
  }
}

graphRoutes.post(
  "/:phoneId/media",
  bodyLimit({
    maxSize: MAX_UPLOAD_BYTES + 64 * 1024,
    onError: (c) => c.json(graphError(100, "(#100) Invalid parameter", { details: "File is too large (max 16 MB)" }), 413),
  }),
  async (c) => {
    if (c.req.param("phoneId") !== getConfig(c.env).WHATSAPP_PHONE_NUMBER_ID) return unsupported(c, "post", c.req.param("phoneId"));
    const form = await c.req.formData().catch(() => null);
    if (!form) return invalidParameter(c, "Expected multipart/form-data");
    if (form.get("messaging_product") !== "whatsapp") return invalidParameter(c, "Param messaging_product must be whatsapp");
    const file = form.get("file");
    if (!(file instanceof File)) return invalidParameter(c, "Param file is required");
    const typeField = form.get("type");
    const mimeType = (typeof typeField === "string" && typeField ? typeField : file.type).split(";")[0]!.trim().toLowerCase();
    const limit = MEDIA_LIMITS[mimeType];
    if (!limit) return invalidParameter(c, `Param file must be a file with one of the following types: ${Object.keys(MEDIA_LIMITS).join(", ")}. Received file of type '${mimeType}'.`);
    if (file.size > limit) return invalidParameter(c, `File of type ${mimeType} is larger than ${limit} bytes`);
    if (file.size === 0) return invalidParameter(c, "Param file is empty");
    const stored = await simulator(c.env).storeMedia(await file.arrayBuffer(), mimeType, file.name || null);
    return c.json({ id: stored.id });
  },
);

/** Template submission as at Meta: {name, language, category, components} → {id, status, category}. */
graphRoutes.post("/:wabaId/message_templates", async (c) => {
  const wabaId = c.req.param("wabaId");
  if (wabaId !== businessIdentity(c.env).wabaId) return unsupported(c, "post", wabaId);
  const body: unknown = await c.req.json().catch(() => undefined);
  const parsed = templateSubmitSchema.safeParse(body);
  if (!parsed.success) return invalidParameter(c, describeIssue(parsed.error));
  const draft: TemplateDraft = asDraft(parsed.data);
  // Meta refuses these at once; placement of placeholders and examples are the review's business.
  const formal = checkTemplate(draft).filter((p) => p.path === "name" || p.path === "language" || p.path === "category" || p.path.endsWith(".type"));
  if (formal.length) return invalidParameter(c, formal.map((p) => p.message).join("; "));
  const t = await simulator(c.env).submitTemplate(draft, new URL(c.req.url).origin);
  if (!t) {
    return fail(c, 400, graphError(100, "(#100) Invalid parameter", {
      subcode: 2388024,
      details: `Message template "${draft.name}" already exists in ${draft.language}`,
    }));
  }
  return c.json({ id: t.id, status: t.status, category: t.category });
});

graphRoutes.get("/:wabaId/message_templates", async (c) => {
  const wabaId = c.req.param("wabaId");
  if (wabaId !== businessIdentity(c.env).wabaId) return unsupported(c, "get", wabaId);
  const submitted = JSON.parse(await simulator(c.env).submittedTemplatesJson()) as Record<string, unknown>[];
  const all: unknown[] = [...DEMO_TEMPLATES, ...submitted];
  const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 25) || 25, 1), 100);
  const after = c.req.query("after");
  const start = after ? Number(atob(after.replace(/-/g, "+").replace(/_/g, "/"))) || 0 : 0;
  const page = all.slice(start, start + limit);
  const cursor = (n: number) => btoa(String(n)).replace(/=+$/, "");
  const end = start + page.length;
  const next = new URL(c.req.url);
  next.searchParams.set("after", cursor(end));
  return c.json({
    data: page,
    paging: {
      cursors: { before: cursor(start), after: cursor(end) },
      ...(end < all.length ? { next: next.toString() } : {}),
    },
  });
});

graphRoutes.get("/:mediaId", async (c) => {
  const id = c.req.param("mediaId");
  const info = /^\d+$/.test(id) ? await simulator(c.env).mediaInfo(id) : null;
  if (!info) return unsupported(c, "get", id);
  return c.json({
    url: await mediaDownloadUrl(c.env, new URL(c.req.url).origin, info),
    mime_type: info.mimeType,
    sha256: info.sha256,
    file_size: info.size,
    id: info.id,
    messaging_product: "whatsapp",
  });
});

graphRoutes.all("*", (c) => fail(c, 400, graphError(2500, `Unknown path components: ${new URL(c.req.url).pathname}`)));
