// zod schemas for the WhatsApp Cloud API webhook, following Meta's documented payloads.
// Objects are loose: Meta adds fields over time, and unknown ones must never make us drop a message.
import { z } from "zod";

export const graphErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type GraphErrorPayload = z.infer<typeof graphErrorSchema>;

const mediaObject = z.looseObject({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  url: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

const contactCard = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
  phones: z
    .array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }))
    .optional(),
  emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
  org: z.looseObject({ company: z.string().optional() }).optional(),
});

export const inboundMessageSchema = z.looseObject({
  id: z.string().min(1),
  timestamp: z.string(),
  type: z.string(),
  /** Phone number (wa_id) of the sender; newer payloads may carry only from_user_id. */
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  context: z
    .looseObject({
      from: z.string().optional(),
      id: z.string().optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: mediaObject.optional(),
  video: mediaObject.optional(),
  audio: mediaObject.optional(),
  document: mediaObject.optional(),
  sticker: mediaObject.optional(),
  location: z
    .looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  contacts: z.array(contactCard).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z
        .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
        .optional(),
      nfm_reply: z.looseObject({ response_json: z.string().optional(), body: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  order: z
    .looseObject({
      catalog_id: z.string().optional(),
      text: z.string().optional(),
      product_items: z.array(z.looseObject({})).optional(),
    })
    .optional(),
  system: z
    .looseObject({
      body: z.string().optional(),
      type: z.string().optional(),
      new_wa_id: z.string().optional(),
      wa_id: z.string().optional(),
      user_id: z.string().optional(),
    })
    .optional(),
  referral: z.looseObject({}).optional(),
  errors: z.array(graphErrorSchema).optional(),
});
export type InboundMessagePayload = z.infer<typeof inboundMessageSchema>;

export const contactSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});
export type ContactPayload = z.infer<typeof contactSchema>;

export const STATUS_VALUES = ["sent", "delivered", "read", "failed", "deleted", "warning"] as const;

export const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: z.looseObject({}).optional(),
  pricing: z.looseObject({}).optional(),
  errors: z.array(graphErrorSchema).optional(),
});
export type StatusPayload = z.infer<typeof statusSchema>;

/**
 * One `messages` change, its arrays read item by item (normalize.ts): one malformed message,
 * status or contact must not cost the others.
 */
export const changeValueSchema = z.looseObject({
  messaging_product: z.literal("whatsapp"),
  metadata: z.looseObject({
    display_phone_number: z.string().optional(),
    phone_number_id: z.string(),
  }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

/** The least a message needs to be stored (as "unsupported" when the rest does not parse). */
export const inboundMessageCoreSchema = z.looseObject({
  id: z.string().min(1),
  timestamp: z.string(),
  type: z.string(),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
});

export const changeSchema = z.looseObject({
  field: z.string(),
  value: z.unknown(),
});

export const entrySchema = z.looseObject({
  id: z.string().optional(),
  /** Epoch seconds of the event (template updates are ordered by it). */
  time: z.unknown().optional(),
  changes: z.array(z.unknown()),
});

/**
 * The envelope: what makes a body a WhatsApp webhook at all. Everything inside `entry` is read
 * part by part, so a malformed part is kept aside instead of failing the whole delivery.
 */
export const webhookSchema = z.looseObject({
  object: z.literal("whatsapp_business_account", {
    error: 'object must be "whatsapp_business_account"',
  }),
  entry: z.array(z.unknown()),
});
export type WebhookPayload = z.infer<typeof webhookSchema>;

/** Response of POST /{phone-number-id}/messages. */
export const sendResponseSchema = z.looseObject({
  messaging_product: z.literal("whatsapp").optional(),
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string(), message_status: z.string().optional() })).min(1),
});

/** Response of GET /{media-id}. */
export const mediaInfoSchema = z.looseObject({
  url: z.string().url(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
  id: z.string(),
});
export type MediaInfo = z.infer<typeof mediaInfoSchema>;

export const graphErrorEnvelopeSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export const templateListSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string().optional(),
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string().optional(),
      components: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
    }),
  ),
  paging: z.looseObject({ next: z.string().optional() }).optional(),
});

/** Answer to POST /{waba-id}/message_templates. */
export const templateCreatedSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  category: z.string().optional(),
});
