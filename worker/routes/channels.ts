// Channels and the command keywords (staff API). Everyone signed in may read; editors and admins
// change channels; only admins change the command keywords.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { channelWithCount, createChannel, listChannelsWithCounts, updateChannel, updateKeywordConfig } from "../citizens/channels";
import { loadKeywordConfig } from "../citizens/keywords/settings";
import { DEFAULT_KEYWORDS, keywordConfigSchema } from "../citizens/keywords/rule";
import { SINGLE_WORD } from "../citizens/normalize";
import { getDb } from "../db/client";
import { valid } from "./validate";

const keyword = z
  .string()
  .trim()
  .max(30)
  .refine((k) => k === "" || (k.length >= 2 && SINGLE_WORD.test(k)), "Ein Schlüsselwort ist ein einzelnes Wort (2–30 Buchstaben oder Ziffern)")
  .transform((k) => (k === "" ? null : k))
  .nullable();

const channelFields = {
  name: z.string().trim().min(1, "Der Name fehlt.").max(60),
  description: z.string().trim().max(300),
  keyword,
  defaultOn: z.boolean(),
  position: z.number().int().min(0).max(10_000),
  archived: z.boolean(),
  public: z.boolean(),
};

export const newChannelSchema = z.object({
  ...channelFields,
  description: channelFields.description.optional(),
  keyword: keyword.optional(),
  defaultOn: channelFields.defaultOn.optional(),
  position: channelFields.position.optional(),
  archived: channelFields.archived.optional(),
  public: channelFields.public.optional(),
});

export const channelPatchSchema = z
  .object(channelFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, "Es gibt nichts zu ändern. Bitte mindestens eine Angabe ändern.");

const channelParam = valid("param", z.object({ id: z.string().min(1).max(100) }));

export const channelRoutes = new Hono<AuthedEnv>()
  .get("/channels", async (c) => c.json({ channels: await listChannelsWithCounts(getDb(c.env.DB)) }))
  .post("/channels", requireRole("editor"), valid("json", newChannelSchema), async (c) => {
    const channel = await createChannel(getDb(c.env.DB), c.req.valid("json"));
    return c.json({ channel: { ...channel, subscriberCount: 0 } }, 201);
  })
  .patch("/channels/:id", requireRole("editor"), channelParam, valid("json", channelPatchSchema), async (c) => {
    const db = getDb(c.env.DB);
    const channel = await updateChannel(db, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ channel: await channelWithCount(db, channel) });
  })
  .get("/keywords", async (c) => c.json({ keywords: await loadKeywordConfig(getDb(c.env.DB)), defaults: DEFAULT_KEYWORDS }))
  .put("/keywords", requireRole("admin"), valid("json", keywordConfigSchema), async (c) =>
    c.json({ keywords: await updateKeywordConfig(getDb(c.env.DB), c.req.valid("json")) }),
  );
