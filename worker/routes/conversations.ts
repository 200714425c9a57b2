// The shared inbox: conversations, replies, notes, claims and incident reports.
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../auth/middleware";
import {
  claimConversation,
  markConversationRead,
  releaseConversation,
  reopenConversation,
  resolveConversation,
} from "../inbox/claims";
import { CONVERSATION_FILTERS, getConversation, listConversations, listMessages, REPORT_STATUSES } from "../inbox/conversations";
import { inboxDeps } from "../inbox/deps";
import { addNote, MAX_TEXT_LENGTH, sendReply, sendTemplateMessage } from "../inbox/replies";
import { updateReport } from "../inbox/reports";
import { jsonBody, parseWith, queryOf, searchText } from "./validate";

const id = z.string().regex(/^[0-9a-z]{1,40}$/, { message: "Ungültige ID" });

const listQuery = z.object({
  status: z.enum(CONVERSATION_FILTERS).default("open"),
  q: searchText.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const detailQuery = z.object({ before: z.string().max(100).optional() });
const replyBody = z.object({
  text: z.string().max(MAX_TEXT_LENGTH).default(""),
  mediaId: id.nullish(),
  takeover: z.boolean().default(false),
});
const templateBody = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  parameters: z.array(z.string().trim().min(1).max(1024)).max(20).default([]),
  takeover: z.boolean().default(false),
});
const noteBody = z.object({ text: z.string().min(1).max(MAX_TEXT_LENGTH) });
const reportBody = z.union([
  z.object({ report: z.null() }).strict(),
  z
    .object({
      category: z.string().min(1).max(60),
      status: z.enum(REPORT_STATUSES),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      address: z.string().trim().max(300).nullable(),
      publicSummary: z.string().trim().max(500).nullable(),
    })
    .partial()
    .strict(),
]);

export const conversationRoutes = new Hono<AuthedEnv>();

conversationRoutes.get("/conversations", async (c) => {
  const q = queryOf(c, listQuery);
  return c.json(await listConversations(inboxDeps(c.env).db, c.var.staff.id, q));
});

conversationRoutes.get("/conversations/:id", async (c) => {
  const conversationId = parseWith(id, c.req.param("id"));
  const { before } = queryOf(c, detailQuery);
  const db = inboxDeps(c.env).db;
  const conversation = await getConversation(db, conversationId);
  return c.json({ conversation, ...(await listMessages(db, conversationId, before)) });
});

conversationRoutes.post("/conversations/:id/messages", async (c) => {
  const input = await jsonBody(c, replyBody);
  const message = await sendReply(inboxDeps(c.env), c.var.staff, c.req.param("id"), input);
  return c.json({ message }, 201);
});

conversationRoutes.post("/conversations/:id/template", async (c) => {
  const input = await jsonBody(c, templateBody);
  const message = await sendTemplateMessage(inboxDeps(c.env), c.var.staff, c.req.param("id"), input);
  return c.json({ message }, 201);
});

conversationRoutes.post("/conversations/:id/notes", async (c) => {
  const { text } = await jsonBody(c, noteBody);
  const message = await addNote(inboxDeps(c.env), c.var.staff, c.req.param("id"), text);
  return c.json({ message }, 201);
});

const actions = {
  claim: claimConversation,
  release: releaseConversation,
  resolve: resolveConversation,
  reopen: reopenConversation,
  read: markConversationRead,
} as const;

for (const [action, run] of Object.entries(actions)) {
  conversationRoutes.post(`/conversations/:id/${action}`, async (c) => {
    const conversation = await run(inboxDeps(c.env), c.var.staff, c.req.param("id"));
    return c.json({ conversation });
  });
}

conversationRoutes.patch("/conversations/:id/report", async (c) => {
  const patch = await jsonBody(c, reportBody);
  const conversation = await updateReport(inboxDeps(c.env), c.var.staff, c.req.param("id"), patch);
  return c.json({ conversation });
});
