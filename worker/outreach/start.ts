// Reaching out first: a clerk writes to a citizen who has not written (or whose conversation is
// resolved). Allowed only with consent on record: an active subscription, or the citizen wrote to
// the town before (their own question may be answered, even after STOP). Outside the 24-hour window
// only an approved template may be sent. The message lands in the citizen's open conversation, or in
// a new one assigned to the clerk (linked to the previous one through the citizen's history).
import { sql } from "drizzle-orm";
import type { StaffIdentity } from "../auth/roles";
import type { Db } from "../db/client";
import type { MessageView } from "../shared/events";
import { AppError } from "../shared/errors";
import { newId } from "../shared/ids";
import { claimedByOther } from "../inbox/claims";
import { getTarget } from "../inbox/conversations";
import type { OutboundDeps } from "../inbox/outbound";
import { findApprovedTemplate, outsideWindowError, sendReply, sendTemplateMessage, MAX_TEXT_LENGTH } from "../inbox/replies";
import { isWindowOpen } from "../inbox/window";

export interface StartInput {
  citizenId?: string;
  /** A phone number in any usual form ("+43 664 1234567", "0664…" is not accepted: it needs the country). */
  phone?: string;
  text?: string;
  template?: { name: string; language: string; parameters: string[] };
  takeover?: boolean;
}

interface CitizenRow {
  id: string;
  name: string | null;
  wa_id: string | null;
  user_id: string | null;
  last_inbound_at: number | null;
  erased_at: number | null;
  active_subscriptions: number;
}

export const noConsentError = () =>
  new AppError(
    422,
    "no_consent",
    "Diese Person hat der Gemeinde noch nie geschrieben und keinen Kanal abonniert. Ohne Einwilligung dürfen wir sie nicht anschreiben.",
  );

/** Digits only, without a leading "00"; a number must carry its country code (43…). */
export function normalizePhone(phone: string): string | null {
  const digits = phone.replace(/[\s\-/().]/g, "").replace(/^\+/, "").replace(/^00/, "");
  return /^[1-9]\d{6,14}$/.test(digits) ? digits : null;
}

async function findCitizen(db: Db, input: StartInput): Promise<CitizenRow> {
  let where;
  if (input.citizenId) where = sql`c.id = ${input.citizenId}`;
  else {
    const phone = normalizePhone(input.phone ?? "");
    if (!phone) {
      throw new AppError(400, "bad_phone", "Bitte die Telefonnummer mit Ländervorwahl eingeben, zum Beispiel +43 664 1234567.");
    }
    where = sql`c.wa_id = ${phone}`;
  }
  const row = await db.get<CitizenRow>(sql`SELECT c.id, c.name, c.wa_id, c.user_id, c.last_inbound_at, c.erased_at,
      (SELECT count(*) FROM subscriptions s WHERE s.citizen_id = c.id AND s.active = 1) AS active_subscriptions
    FROM citizens c WHERE ${where}`);
  // An unknown number has no consent on record either: say so rather than "not found".
  if (!row) {
    if (input.citizenId) throw new AppError(404, "not_found", "Diese Person gibt es nicht (mehr). Bitte die Liste neu laden.");
    throw noConsentError();
  }
  return row;
}

export function hasConsent(c: Pick<CitizenRow, "last_inbound_at" | "active_subscriptions">): boolean {
  return c.active_subscriptions > 0 || c.last_inbound_at !== null;
}

/** The citizen's open conversation, or a new one held by the clerk. */
async function conversationFor(db: Db, actor: StaffIdentity, citizenId: string, now: number): Promise<{ id: string; created: boolean }> {
  const id = newId();
  // One statement: a concurrent inbound message that opened a conversation meanwhile wins (no second open one).
  await db.run(sql`INSERT INTO conversations (id, citizen_id, status, assignee_id, claimed_at, last_message_at, created_at)
    SELECT ${id}, ${citizenId}, 'open', ${actor.id}, ${now}, ${now}, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open')`);
  const open = await db.get<{ id: string }>(
    sql`SELECT id FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open' ORDER BY created_at DESC LIMIT 1`,
  );
  if (!open) throw new AppError(409, "conflict", "Die Unterhaltung konnte nicht angelegt werden. Bitte noch einmal versuchen.");
  return { id: open.id, created: open.id === id };
}

export async function startConversation(
  deps: OutboundDeps,
  actor: StaffIdentity,
  input: StartInput,
  now = Date.now(),
): Promise<{ conversationId: string; created: boolean; message: MessageView }> {
  const text = input.text?.trim() ?? "";
  if (!input.template && !text) throw new AppError(400, "empty_message", "Bitte eine Vorlage wählen oder einen Text eingeben.");
  if (input.template && text) throw new AppError(400, "template_or_text", "Bitte entweder eine Vorlage oder einen freien Text senden, nicht beides.");
  if (text.length > MAX_TEXT_LENGTH) {
    throw new AppError(400, "text_too_long", `Die Nachricht ist zu lang: höchstens ${MAX_TEXT_LENGTH} Zeichen. Bitte kürzen.`);
  }
  const citizen = await findCitizen(deps.db, input);
  if (citizen.erased_at !== null || (!citizen.wa_id && !citizen.user_id)) {
    throw new AppError(409, "erased", "Die Daten dieser Person wurden gelöscht. Sie kann nicht mehr angeschrieben werden.");
  }
  if (!hasConsent(citizen)) throw noConsentError();
  // Check everything the send will check before a conversation is opened, so a refusal leaves nothing behind.
  if (input.template) {
    const tpl = await findApprovedTemplate(deps, input.template.name, input.template.language);
    if (!tpl) throw new AppError(422, "unknown_template", "Diese Vorlage ist nicht (mehr) genehmigt. Bitte eine andere wählen.");
    if (tpl.parameterCount !== input.template.parameters.length) {
      throw new AppError(422, "template_parameters", `Bitte alle ${tpl.parameterCount} Felder der Vorlage ausfüllen.`, {
        expected: tpl.parameterCount,
      });
    }
  } else if (!isWindowOpen(citizen.last_inbound_at, now)) {
    throw outsideWindowError();
  }
  deps.whatsapp(); // a missing WhatsApp configuration is reported (503) before anything is stored
  const conv = await conversationFor(deps.db, actor, citizen.id, now);
  if (!conv.created) {
    const target = await getTarget(deps.db, conv.id);
    if (target.assigneeId && target.assigneeId !== actor.id && !input.takeover) {
      const err = claimedByOther(target);
      throw new AppError(err.status, err.code, err.message, { ...err.details, conversationId: conv.id });
    }
  }
  if (conv.created) await deps.publish([{ type: "conversation.claimed", conversationId: conv.id, staffId: actor.id, staffName: actor.name }]);
  const message = input.template
    ? await sendTemplateMessage(deps, actor, conv.id, { ...input.template, takeover: input.takeover })
    : await sendReply(deps, actor, conv.id, { text, takeover: input.takeover });
  return { conversationId: conv.id, created: conv.created, message };
}
