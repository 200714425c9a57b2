// JSON API behind the phone page (local use only): the simulated citizen's chats, sending as the
// citizen (text, photo, location, taps on buttons/lists), read receipts, the delivery log.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { Env } from "./env";
import { badRequest, notFound } from "../worker/shared/errors";
import { SimulatorError } from "./errors";
import { businessIdentity } from "./business";
import { DEMO_CITIZENS } from "./seed-data";
import { simulator } from "./simulator";
import { forPage } from "./simulator-tables";
import type { CitizenContent } from "./webhook-payloads";

export const phoneRoutes = new Hono<{ Bindings: Env }>();

const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const PHOTO_TYPES = ["image/jpeg", "image/png"];

const waIdSchema = z.string().regex(/^\d{6,15}$/, "Telefonnummer: 6 bis 15 Ziffern mit Ländervorwahl, ohne +");
const nameSchema = z.string().trim().min(1, "Name fehlt").max(100);

const sendSchema = z.object({
  name: nameSchema,
  contextWamid: z.string().min(1).max(200).optional(),
  message: z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string().trim().min(1, "Nachricht ist leer").max(4096) }),
    z.object({
      type: z.literal("location"),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().trim().max(200).optional(),
      address: z.string().trim().max(300).optional(),
    }),
    z.object({
      type: z.literal("button_reply"),
      id: z.string().min(1).max(256),
      title: z.string().min(1).max(20),
    }),
    /** A tap on a template's quick-reply button. */
    z.object({
      type: z.literal("button"),
      payload: z.string().min(1).max(256),
      text: z.string().min(1).max(25),
    }),
    z.object({
      type: z.literal("list_reply"),
      id: z.string().min(1).max(200),
      title: z.string().min(1).max(24),
      description: z.string().max(72).optional(),
    }),
  ]),
});

function waIdParam(raw: string): string {
  const parsed = waIdSchema.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? "Ungültige Nummer");
  return parsed.data;
}

async function jsonBody(req: { json: () => Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new SimulatorError(400, "invalid_json", "Anfrage ist kein gültiges JSON");
  }
}

function toContent(m: z.infer<typeof sendSchema>["message"]): CitizenContent {
  switch (m.type) {
    case "text":
      return { type: "text", text: { body: m.text } };
    case "location":
      return {
        type: "location",
        location: {
          latitude: m.latitude,
          longitude: m.longitude,
          ...(m.name ? { name: m.name } : {}),
          ...(m.address ? { address: m.address } : {}),
        },
      };
    case "button_reply":
      return { type: "interactive", interactive: { type: "button_reply", button_reply: { id: m.id, title: m.title } } };
    case "button":
      return { type: "button", button: { payload: m.payload, text: m.text } };
    case "list_reply":
      return {
        type: "interactive",
        interactive: {
          type: "list_reply",
          list_reply: { id: m.id, title: m.title, ...(m.description ? { description: m.description } : {}) },
        },
      };
  }
}

const origin = (url: string) => new URL(url).origin;

phoneRoutes.get("/phones", async (c) => {
  const phones = await simulator(c.env).phones();
  return c.json({
    phones,
    demoCitizens: DEMO_CITIZENS.map(({ waId, name }) => ({ waId, name })),
    business: businessIdentity(c.env).displayPhoneNumber,
  });
});

phoneRoutes.get("/phones/:waId/messages", async (c) => {
  const waId = waIdParam(c.req.param("waId"));
  const chat = await simulator(c.env).chat(waId);
  return c.json({ ...chat, messages: chat.messages.map(forPage) });
});

phoneRoutes.post("/phones/:waId/messages", async (c) => {
  const waId = waIdParam(c.req.param("waId"));
  const parsed = sendSchema.safeParse(await jsonBody(c.req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(issue ? `${issue.path.join(".")}: ${issue.message}` : "Ungültige Nachricht");
  }
  const { name, message, contextWamid } = parsed.data;
  const out = await simulator(c.env).citizenSends({ waId, name, content: toContent(message), contextWamid }, origin(c.req.url));
  return c.json({ message: forPage(out.message), delivery: out.delivery }, 201);
});

phoneRoutes.post(
  "/phones/:waId/photo",
  bodyLimit({
    maxSize: MAX_PHOTO_BYTES + 64 * 1024,
    onError: (c) => c.json({ error: { code: "payload_too_large", message: "Foto ist zu groß (höchstens 5 MB)" } }, 413),
  }),
  async (c) => {
    const waId = waIdParam(c.req.param("waId"));
    const form = await c.req.formData().catch(() => null);
    if (!form) throw badRequest("Erwartet multipart/form-data mit einem Feld „file“");
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) throw badRequest("Kein Foto ausgewählt");
    const mimeType = file.type.split(";")[0]!.trim().toLowerCase();
    if (!PHOTO_TYPES.includes(mimeType)) throw new SimulatorError(415, "unsupported_media_type", "Nur JPEG- oder PNG-Fotos");
    if (file.size > MAX_PHOTO_BYTES) throw new SimulatorError(413, "payload_too_large", "Foto ist zu groß (höchstens 5 MB)");
    const name = nameSchema.safeParse(form.get("name"));
    if (!name.success) throw badRequest("Name fehlt");
    const captionRaw = form.get("caption");
    const caption = typeof captionRaw === "string" ? captionRaw.trim().slice(0, 1024) : "";
    const sim = simulator(c.env);
    const media = await sim.storeMedia(await file.arrayBuffer(), mimeType, file.name || null);
    const out = await sim.citizenSends(
      {
        waId,
        name: name.data,
        content: {
          type: "image",
          image: { id: media.id, mime_type: media.mimeType, sha256: media.sha256, ...(caption ? { caption } : {}) },
        },
      },
      origin(c.req.url),
    );
    return c.json({ message: forPage(out.message), delivery: out.delivery }, 201);
  },
);

/**
 * A message from this citizen reached the worker another way (tests that sign their own webhooks):
 * Meta would know it, so the simulator's 24-hour window counts from its timestamp (unix seconds).
 */
phoneRoutes.post("/phones/:waId/inbound", async (c) => {
  const waId = waIdParam(c.req.param("waId"));
  const parsed = z.object({ timestamp: z.coerce.number().int().positive() }).strict().safeParse(await jsonBody(c.req));
  if (!parsed.success) throw badRequest('Erwartet {"timestamp": <Unix-Sekunden der Nachricht>}');
  const sim = simulator(c.env);
  await sim.noteInbound(waId, parsed.data.timestamp * 1000);
  return c.json({ lastInboundAt: await sim.lastInboundAt(waId) });
});

/** Meta pauses, disables or re-approves a template (e.g. for low quality): the status webhook follows. */
phoneRoutes.post("/templates/:name/status", async (c) => {
  const parsed = z
    .object({ language: z.string().min(2).max(15).default("de"), event: z.enum(["APPROVED", "REJECTED", "PAUSED", "DISABLED"]), reason: z.string().max(200).optional() })
    .strict()
    .safeParse(await jsonBody(c.req));
  if (!parsed.success) throw badRequest('Erwartet {"event": "PAUSED", "language": "de"}');
  const { language, event, reason } = parsed.data;
  const ok = await simulator(c.env).setTemplateStatus(c.req.param("name"), language, event, reason ?? null, origin(c.req.url));
  if (!ok) throw notFound("Vorlage wurde nicht beim Simulator eingereicht");
  return c.json({ ok: true });
});

phoneRoutes.post("/phones/:waId/seen", async (c) => {
  const waId = waIdParam(c.req.param("waId"));
  return c.json({ read: await simulator(c.env).seen(waId, origin(c.req.url)) });
});

/** Files for the phone page: the citizen's own photos and the ones the town sent by media id. */
phoneRoutes.get("/media/:id", async (c) => {
  const id = c.req.param("id");
  const media = /^\d+$/.test(id) ? await simulator(c.env).mediaBytes(id) : null;
  if (!media) throw notFound("Datei nicht gefunden");
  return new Response(media.bytes, {
    headers: {
      "content-type": media.info.mimeType,
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
});

phoneRoutes.get("/deliveries", async (c) => {
  const sim = simulator(c.env);
  return c.json({ deliveries: await sim.deliveries(100), pendingStatuses: await sim.pendingStatuses() });
});

/** Simulates Meta invalidating the access token: every Graph call then fails with error 190. */
phoneRoutes.get("/access-token", async (c) => c.json({ expired: await simulator(c.env).tokenExpired() }));

phoneRoutes.post("/access-token", async (c) => {
  const parsed = z.object({ expired: z.boolean() }).strict().safeParse(await jsonBody(c.req));
  if (!parsed.success) throw badRequest('Erwartet {"expired": true} oder {"expired": false}');
  await simulator(c.env).setTokenExpired(parsed.data.expired);
  return c.json({ expired: parsed.data.expired });
});

phoneRoutes.post("/reset", async (c) => {
  await simulator(c.env).reset();
  return c.json({ ok: true });
});
