// Staff writing to a citizen: free-text/photo replies (only inside the 24-hour window), approved
// templates (any time), and internal notes (never sent to WhatsApp).
import { and, eq } from "drizzle-orm";
import type { StaffIdentity } from "../auth/roles";
import { media, messages, templates } from "../db/schema";
import type { MessageView } from "../shared/events";
import { assertMediaShareable } from "../media/sharing";
import { InvalidInput, InvalidState, RuleViolation } from "../shared/errors";
import { newId } from "../shared/ids";
import { claimedByOther, ensureHolder } from "./claims";
import { getMessageView, getTarget, type ConversationTarget } from "./conversations";
import { sendOutbound, type OutboundDeps } from "./outbound";
import { isWindowOpen } from "./window";

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export interface ReplyInput {
  text: string;
  mediaId?: string | null;
  takeover?: boolean;
}

export const outsideWindowError = () =>
  new RuleViolation(
    "outside_window",
    "Die letzte Nachricht dieser Person ist über 24 Stunden alt. Freier Text ist nicht mehr möglich – nur eine genehmigte Vorlage kann gesendet werden.",
  );

/** Refuses early (before anything is claimed or stored) when someone else holds the conversation. */
function checkHolder(actor: StaffIdentity, target: ConversationTarget, takeover: boolean): void {
  if (target.status !== "open") {
    throw new InvalidState("conversation_resolved", "Die Unterhaltung ist erledigt. Bitte zuerst wieder öffnen.");
  }
  if (target.assigneeId && target.assigneeId !== actor.id && !takeover) throw claimedByOther(target);
}

export async function sendReply(deps: OutboundDeps, actor: StaffIdentity, conversationId: string, input: ReplyInput): Promise<MessageView> {
  const text = input.text.trim();
  if (!text && !input.mediaId) throw new InvalidInput("empty_message", "Bitte einen Text eingeben oder ein Foto anhängen.");
  if (input.mediaId && text.length > MAX_CAPTION_LENGTH) {
    throw new InvalidInput("caption_too_long", `Die Bildunterschrift darf höchstens ${MAX_CAPTION_LENGTH.toLocaleString("de-AT")} Zeichen haben. Bitte kürzen.`);
  }
  const target = await getTarget(deps.db, conversationId);
  checkHolder(actor, target, input.takeover ?? false);
  if (!isWindowOpen(target.citizen.lastInboundAt)) throw outsideWindowError();
  if (input.mediaId) {
    const row = await deps.db.select({ status: media.status, mimeType: media.mimeType }).from(media).where(eq(media.id, input.mediaId)).get();
    if (!row || row.status !== "stored" || !row.mimeType?.startsWith("image/")) {
      throw new RuleViolation("media_unavailable", "Das Foto wurde nicht gefunden. Bitte erneut hochladen.");
    }
    await assertMediaShareable(deps.db, input.mediaId, target.citizen.id);
  }
  deps.whatsapp(); // a missing WhatsApp configuration is reported (503) before anything is stored
  await ensureHolder(deps, actor, target, input.takeover ?? false);
  const content = input.mediaId
    ? ({ type: "image", mediaId: input.mediaId, caption: text || null } as const)
    : ({ type: "text", text } as const);
  return sendOutbound(deps, target, content, actor.id);
}

export interface TemplateInput {
  name: string;
  language: string;
  parameters: string[];
  takeover?: boolean;
}

/** Fills {{1}}, {{2}}… of a template body, for the stored copy staff see. */
export function renderTemplate(body: string, parameters: string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => parameters[Number(n) - 1] ?? whole);
}

export async function findApprovedTemplate(deps: Pick<OutboundDeps, "db">, name: string, language: string) {
  return deps.db
    .select()
    .from(templates)
    .where(and(eq(templates.name, name), eq(templates.language, language), eq(templates.status, "APPROVED")))
    .get();
}

export async function sendTemplateMessage(
  deps: OutboundDeps,
  actor: StaffIdentity,
  conversationId: string,
  input: TemplateInput,
): Promise<MessageView> {
  const target = await getTarget(deps.db, conversationId);
  checkHolder(actor, target, input.takeover ?? false);
  const template = await findApprovedTemplate(deps, input.name, input.language);
  if (!template) {
    throw new RuleViolation("unknown_template", `Es gibt keine genehmigte Vorlage „${input.name}“ (${input.language}). Bitte eine andere Vorlage wählen.`);
  }
  if (input.parameters.length !== template.parameterCount) {
    throw new RuleViolation("template_parameters", `Die Vorlage braucht ${template.parameterCount} Platzhalter, ausgefüllt sind ${input.parameters.length}. Bitte alle Platzhalter ausfüllen.`, {
      expected: template.parameterCount,
    });
  }
  deps.whatsapp();
  await ensureHolder(deps, actor, target, input.takeover ?? false);
  return sendOutbound(
    deps,
    target,
    {
      type: "template",
      name: template.name,
      language: template.language,
      parameters: input.parameters,
      preview: renderTemplate(template.body, input.parameters) || template.name,
    },
    actor.id,
  );
}

/** An internal note: visible to staff only, never sent to WhatsApp, does not change the list order. */
export async function addNote(
  deps: Pick<OutboundDeps, "db" | "publish">,
  actor: StaffIdentity,
  conversationId: string,
  text: string,
): Promise<MessageView> {
  const body = text.trim();
  if (!body) throw new InvalidInput("empty_message", "Die Notiz ist leer. Bitte einen Text eingeben.");
  const target = await getTarget(deps.db, conversationId);
  const id = newId();
  const now = Date.now();
  await deps.db.insert(messages).values({
    id,
    conversationId: target.id,
    citizenId: target.citizen.id,
    direction: "note",
    type: "note",
    text: body,
    // "received" = stored; a note has no delivery status.
    status: "received",
    staffId: actor.id,
    sentAt: now,
    createdAt: now,
  });
  const message = await getMessageView(deps.db, id);
  await deps.publish([{ type: "note.added", conversationId: target.id, message }]);
  return message;
}
