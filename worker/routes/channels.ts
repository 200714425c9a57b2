// Channels and the command keywords (staff API). Everyone signed in may read; editors and admins
// change channels; only admins change the command keywords.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createChannel, listChannelsWithCounts, updateChannel, updateKeywordConfig } from "../citizens/channels";
import { loadKeywordConfig } from "../citizens/keywords/settings";
import { DEFAULT_KEYWORDS, keywordConfigSchema } from "../citizens/keywords/rule";
import { SINGLE_WORD } from "../citizens/normalize";
import { getDb } from "../db/client";
import { jsonBody } from "./validate";

const keyword = z
  .string()
  .trim()
  .max(30)
  .refine((k) => k === "" || (k.length >= 2 && SINGLE_WORD.test(k)), "Ein Schlüsselwort ist ein einzelnes Wort (2–30 Buchstaben oder Ziffern)")
  .transform((k) => (k === "" ? null : k))
  .nullable();

const channelFields = {
  name: z.string().trim().min(1, "Name fehlt").max(60),
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
  .refine((p) => Object.keys(p).length > 0, "Nichts zu ändern");

export const channelRoutes = new Hono<AuthedEnv>();

channelRoutes.get("/channels", async (c) => c.json({ channels: await listChannelsWithCounts(getDb(c.env.DB)) }));

channelRoutes.post("/channels", requireRole("editor"), async (c) => {
  const input = await jsonBody(c, newChannelSchema);
  const db = getDb(c.env.DB);
  const channel = await createChannel(db, input);
  return c.json({ channel: { ...channel, subscriberCount: 0 } }, 201);
});

channelRoutes.patch("/channels/:id", requireRole("editor"), async (c) => {
  const patch = await jsonBody(c, channelPatchSchema);
  const db = getDb(c.env.DB);
  const channel = await updateChannel(db, c.req.param("id"), patch);
  const withCount = (await listChannelsWithCounts(db)).find((ch) => ch.id === channel.id);
  return c.json({ channel: withCount ?? { ...channel, subscriberCount: 0 } });
});

channelRoutes.get("/keywords", async (c) =>
  c.json({ keywords: await loadKeywordConfig(getDb(c.env.DB)), defaults: DEFAULT_KEYWORDS }),
);

channelRoutes.put("/keywords", requireRole("admin"), async (c) => {
  const config = await jsonBody(c, keywordConfigSchema);
  return c.json({ keywords: await updateKeywordConfig(getDb(c.env.DB), config) });
});
