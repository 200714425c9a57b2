// The shared inbox: conversations, replies, notes, claims and incident reports.
import { Hono } from "hono";
import { createFactory } from "hono/factory";
import { z } from "zod";
import type { AuthedEnv, StaffIdentity } from "../auth/middleware";
import {
  type InboxStateDeps,
  assignConversation,
  claimConversation,
  listColleagues,
  markConversationRead,
  releaseConversation,
  reopenConversation,
  resolveConversation,
} from "../inbox/claims";
import { CONVERSATION_FILTERS, getConversation, listConversations, listMessages, REPORT_STATUSES } from "../inbox/conversations";
import { inboxDeps } from "../inbox/deps";
import type { ConversationDetail } from "../shared/wire-types";
import { addNote, MAX_TEXT_LENGTH, sendReply, sendTemplateMessage } from "../inbox/replies";
import { updateReport } from "../inbox/reports";
import { searchText, valid } from "./validate";

const id = z.string().regex(/^[0-9a-z]{1,40}$/, { message: "Diese Unterhaltung gibt es nicht. Bitte die Liste neu laden." });

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
const assignBody = z.object({ staffId: z.string({ error: "Bitte eine Person aus dem Team wählen." }).min(1, { error: "Bitte eine Person aus dem Team wählen." }).max(64) }).strict();
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

/** GET checks the id's shape (400 for a malformed one); actions take any id and answer 404 for an unknown one, as before. */
const shapedIdParam = valid("param", z.object({ id }));
const idParam = valid("param", z.object({ id: z.string().min(1).max(64) }));
const factory = createFactory<AuthedEnv>();
type Action = (deps: InboxStateDeps, staff: StaffIdentity, conversationId: string) => Promise<ConversationDetail>;
/** claim, release, resolve, reopen, read: one step on one conversation, answered with the conversation. */
const action = (run: Action) =>
  factory.createHandlers(idParam, async (c) => c.json({ conversation: await run(inboxDeps(c.env), c.var.staff, c.req.valid("param").id) }));

export const conversationRoutes = new Hono<AuthedEnv>()
  .get("/conversations", valid("query", listQuery), async (c) =>
    c.json(await listConversations(inboxDeps(c.env).db, c.var.staff.id, c.req.valid("query"))),
  )
  .get("/conversations/:id", shapedIdParam, valid("query", detailQuery), async (c) => {
    const { id: conversationId } = c.req.valid("param");
    const db = inboxDeps(c.env).db;
    const conversation = await getConversation(db, conversationId);
    return c.json({ conversation, ...(await listMessages(db, conversationId, c.req.valid("query").before)) });
  })
  .post("/conversations/:id/messages", idParam, valid("json", replyBody), async (c) => {
    const message = await sendReply(inboxDeps(c.env), c.var.staff, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ message }, 201);
  })
  .post("/conversations/:id/template", idParam, valid("json", templateBody), async (c) => {
    const message = await sendTemplateMessage(inboxDeps(c.env), c.var.staff, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ message }, 201);
  })
  .post("/conversations/:id/notes", idParam, valid("json", noteBody), async (c) => {
    const message = await addNote(inboxDeps(c.env), c.var.staff, c.req.valid("param").id, c.req.valid("json").text);
    return c.json({ message }, 201);
  })
  .get("/colleagues", async (c) => c.json({ colleagues: await listColleagues(inboxDeps(c.env).db) }))
  .post("/conversations/:id/assign", idParam, valid("json", assignBody), async (c) => {
    const conversation = await assignConversation(inboxDeps(c.env), c.var.staff, c.req.valid("param").id, c.req.valid("json").staffId);
    return c.json({ conversation });
  })
  .post("/conversations/:id/claim", ...action(claimConversation))
  .post("/conversations/:id/release", ...action(releaseConversation))
  .post("/conversations/:id/resolve", ...action(resolveConversation))
  .post("/conversations/:id/reopen", ...action(reopenConversation))
  .post("/conversations/:id/read", ...action(markConversationRead))
  .patch("/conversations/:id/report", idParam, valid("json", reportBody), async (c) => {
    const conversation = await updateReport(inboxDeps(c.env), c.var.staff, c.req.valid("param").id, c.req.valid("json"));
    return c.json({ conversation });
  });
