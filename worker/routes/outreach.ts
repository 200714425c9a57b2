// Reaching out and answering faster: start a conversation, Textbausteine, the citizen panel.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { inboxDeps } from "../inbox/deps";
import { MAX_TEXT_LENGTH } from "../inbox/replies";
import { citizenPanel } from "../outreach/citizen-panel";
import { createSnippet, deleteSnippet, listSnippets, MAX_SNIPPET_BODY, MAX_SNIPPET_TITLE, updateSnippet } from "../outreach/snippets";
import { cancelScheduled } from "../inbox/scheduled-notices";
import { startConversation } from "../outreach/start";
import { valid } from "./validate";

const id = z.string().regex(/^[0-9a-z]{1,40}$/, { message: "Diesen Eintrag gibt es nicht. Bitte die Seite neu laden." });

const startBody = z
  .object({
    citizenId: id.optional(),
    phone: z.string().max(40, "Bitte eine gültige Telefonnummer eingeben.").optional(),
    text: z.string().max(MAX_TEXT_LENGTH, `Die Nachricht ist zu lang: höchstens ${MAX_TEXT_LENGTH} Zeichen. Bitte kürzen.`).optional(),
    template: z
      .object({
        name: z.string().min(1).max(512),
        language: z.string().min(2).max(15),
        parameters: z
          .array(z.string().trim().min(1, "Bitte alle Felder der Vorlage ausfüllen.").max(1024, "Ein Feld der Vorlage darf höchstens 1024 Zeichen haben."))
          .max(20)
          .default([]),
      })
      .optional(),
    takeover: z.boolean().default(false),
  })
  .refine((b) => (b.citizenId ? 1 : 0) + (b.phone ? 1 : 0) === 1, "Bitte eine Person auswählen oder eine Telefonnummer eingeben.");

const snippetBody = z.object({
  title: z.string({ error: "Bitte einen Titel für den Textbaustein eingeben." }).max(MAX_SNIPPET_TITLE, `Der Titel darf höchstens ${MAX_SNIPPET_TITLE} Zeichen lang sein.`),
  body: z.string({ error: "Bitte den Text des Textbausteins eingeben." }).max(MAX_SNIPPET_BODY, `Der Text darf höchstens ${MAX_SNIPPET_BODY} Zeichen lang sein (Grenze von WhatsApp).`),
});

const idParam = valid("param", z.object({ id }));

export const outreachRoutes = new Hono<AuthedEnv>()
  .post("/outreach/conversations", valid("json", startBody), async (c) => {
    const result = await startConversation(inboxDeps(c.env), c.var.staff, c.req.valid("json"));
    return c.json(result, 201);
  })
  .post("/conversations/:id/messages/:messageId/cancel", valid("param", z.object({ id, messageId: id })), async (c) => {
    const { id: conversationId, messageId } = c.req.valid("param");
    const message = await cancelScheduled(inboxDeps(c.env), c.var.staff, conversationId, messageId);
    return c.json({ message });
  })
  .get("/conversations/:id/citizen", idParam, async (c) => c.json(await citizenPanel(getDb(c.env.DB), c.req.valid("param").id)))
  .get("/snippets", async (c) => c.json({ snippets: await listSnippets(getDb(c.env.DB)) }))
  .post("/snippets", requireRole("editor"), valid("json", snippetBody), async (c) =>
    c.json({ snippet: await createSnippet(getDb(c.env.DB), c.var.staff.id, c.req.valid("json")) }, 201),
  )
  .put("/snippets/:id", requireRole("editor"), idParam, valid("json", snippetBody), async (c) =>
    c.json({ snippet: await updateSnippet(getDb(c.env.DB), c.var.staff.id, c.req.valid("param").id, c.req.valid("json")) }),
  )
  .delete("/snippets/:id", requireRole("editor"), idParam, async (c) => {
    await deleteSnippet(getDb(c.env.DB), c.req.valid("param").id);
    return c.body(null, 204);
  });
