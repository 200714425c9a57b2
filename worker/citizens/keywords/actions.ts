// Decides what an inbound message asks for: which subscriptions change and what the bot answers.
// Reads state, writes nothing (except marking a sign-up code as used); process-inbound.ts applies it.
// The reply says what the change will really do under the order rule (subscriptions.ts): an action
// older than the citizen's latest change is not applied and never answered with "Sie sind angemeldet".
import type { Db } from "../../db/client";
import { channelKeywordsOf, channelKeywordsQuery, listChannelsQuery, type Channel } from "../channels";
import type { CalendarQuestionHandler } from "./calendar-question";
import { keywordConfigOf, keywordConfigQuery } from "./settings";
import { parseKeywordMessage, type Lang } from "./rule";
import {
  badCodeIntro,
  channelGoneReply,
  helpReply,
  menuReply,
  noDefaultsIntro,
  parseMenuTap,
  subscribedReply,
  supersededReply,
  toggledReply,
  unsubscribedReply,
  type Reply,
  type ReplyContext,
} from "../replies";
import { redeemSignupCode } from "../signup-codes";
import {
  consentStateOf,
  consentStateQueries,
  predictOutcome,
  type ConsentOutcome,
  type ConsentSource,
  type ConsentState,
  type SubscriptionChange,
} from "../subscriptions";

export interface InboundForKeywords {
  citizenId: string;
  wamid: string | null;
  type: string;
  text: string | null;
  replyId: string | null;
  locale: string;
  /** WhatsApp timestamp of the message (ms): the time of the citizen's action. */
  sentAt: number;
}

export type PlannedChange = Omit<SubscriptionChange, "citizenId" | "messageWamid" | "actedAt">;

export interface KeywordAction {
  /** Which command was recognised (for logs and tests). */
  command: "subscribe" | "unsubscribe" | "menu" | "help" | "toggle" | "calendar";
  lang: Lang;
  change: PlannedChange | null;
  reply: Reply;
  /** What the change is expected to log (null without a change). */
  predicted: ConsentOutcome | null;
  /** The reply for an outcome and the channels active afterwards; used again when a concurrent change made the prediction wrong. */
  replyFor: (outcome: ConsentOutcome, activeAfter: string[]) => Reply;
}

const asLang = (locale: string): Lang => (locale === "en" ? "en" : "de");

interface Context {
  ctx: ReplyContext;
  channels: Channel[];
  state: ConsentState;
  before: string[];
  msg: InboundForKeywords;
}

/**
 * Null when the message is not for the bot: it stays an ordinary message in the staff inbox.
 * `calendarQuestion` answers "WANN"/"MÜLL …" (the calendars module's; without it they stay for the inbox).
 */
export async function planKeywordAction(db: Db, msg: InboundForKeywords, calendarQuestion?: CalendarQuestionHandler): Promise<KeywordAction | null> {
  const tap = msg.type === "interactive" ? parseMenuTap(msg.replyId) : null;
  if (msg.type === "interactive" && !tap) return null;
  if (!tap && msg.type !== "text" && msg.type !== "button") return null;

  // Everything the plan may need, in one D1 round trip (D1 runs one query at a time: round trips are its budget).
  const [citizenQuery, subscriptionsQuery] = consentStateQueries(db, msg.citizenId);
  const [keywordRows, keywordChannelRows, channels, citizenRows, subscriptionRows] = await db.batch([
    keywordConfigQuery(db),
    channelKeywordsQuery(db),
    listChannelsQuery(db),
    citizenQuery,
    subscriptionsQuery,
  ]);
  const keywords = keywordConfigOf(keywordRows);
  const parsed = tap ? null : parseKeywordMessage(msg.text, keywords, channelKeywordsOf(keywordChannelRows));
  // Not a command: maybe a calendar question ("WANN", "MÜLL Bahnstraße"), answered by calendars/keywords.ts.
  const calendar = !tap && !parsed && calendarQuestion ? await calendarQuestion(msg, asLang(msg.locale)) : null;
  if (!tap && !parsed && !calendar) return null;
  const lang = parsed?.lang ?? asLang(msg.locale);
  const ctx: ReplyContext = { lang, keywords };
  const state = consentStateOf(citizenRows, subscriptionRows);
  // Active channels in channel order, as activeChannelIds returns them.
  const before = channels.filter((c) => state.rows.get(c.id)?.active).map((c) => c.id);
  const c: Context = { ctx, channels, state, before, msg };

  if (tap) return planTap(c, tap.channelId, tap.on);
  if (calendar) {
    if (!calendar.change) return noChange(c, "calendar", calendar.reply);
    // "MÜLL Bahnstraße" subscribes: ordered like any other consent action.
    return planned(c, "calendar", calendar.change, (o, after) => (nothingApplied(o) ? supersededReply(ctx, refs(channels, after)) : calendar.reply));
  }
  if (!parsed) return null;
  switch (parsed.command) {
    case "help":
      return noChange(c, "help", helpReply(ctx, refs(channels, before)));
    case "menu":
      return noChange(c, "menu", menuReply(ctx, channels, before));
    case "unsubscribe": {
      const all = parsed.channelIds.length === 0;
      const change: PlannedChange = all
        ? { unsubscribeAll: true, source: "whatsapp_keyword" }
        : { unsubscribe: parsed.channelIds, source: "whatsapp_keyword" };
      return planned(c, "unsubscribe", change, (o, after) =>
        nothingApplied(o)
          ? supersededReply(ctx, refs(channels, after))
          : unsubscribedReply(ctx, refs(channels, o.applied), refs(channels, after), all, refs(channels, o.superseded)),
      );
    }
    case "subscribe":
      return planSubscribe(db, c, parsed.code, parsed.channelIds);
  }
}

async function planSubscribe(db: Db, c: Context, code: string | null, named: string[]): Promise<KeywordAction> {
  const { ctx, channels, before } = c;
  const lang = ctx.lang;
  let target = [...named];
  let source: ConsentSource = "whatsapp_keyword";
  if (code) {
    const found = await redeemSignupCode(db, code);
    if (found.status !== "valid") {
      return noChange(c, "subscribe", menuReply(ctx, channels, before, badCodeIntro(lang, found.code, found.status)));
    }
    target = [...new Set([...found.channelIds, ...named])];
    source = "widget_code";
  } else if (target.length === 0) {
    target = channels.filter((ch) => ch.defaultOn).map((ch) => ch.id);
  }
  // Only open channels; a code may name a channel that was archived since.
  const open = target.filter((id) => channels.some((ch) => ch.id === id));
  if (open.length === 0) {
    return noChange(c, "subscribe", menuReply(ctx, channels, before, noDefaultsIntro(lang)));
  }
  return planned(c, "subscribe", { subscribe: open, source }, (o, after) =>
    nothingApplied(o)
      ? supersededReply(ctx, refs(channels, after))
      : subscribedReply(ctx, refs(channels, o.applied), refs(channels, after), refs(channels, o.superseded)),
  );
}

/** A tap on a menu row: on/off as the row said; rows of older menus toggle the current state. */
function planTap(c: Context, channelId: string, wanted: boolean | "toggle"): KeywordAction {
  const { ctx, channels, before } = c;
  const channel = channels.find((ch) => ch.id === channelId);
  if (!channel) return noChange(c, "toggle", channelGoneReply(ctx));
  const on = wanted === "toggle" ? !before.includes(channelId) : wanted;
  const change: PlannedChange = on ? { subscribe: [channelId], source: "whatsapp_menu" } : { unsubscribe: [channelId], source: "whatsapp_menu" };
  return planned(c, "toggle", change, (o, after) =>
    o.superseded.length > 0 ? supersededReply(ctx, refs(channels, after)) : toggledReply(ctx, channel, on, refs(channels, after)),
  );
}

function planned(c: Context, command: KeywordAction["command"], change: PlannedChange, replyFor: KeywordAction["replyFor"]): KeywordAction {
  const now = Date.now();
  const predicted = predictOutcome(
    c.state,
    { ...change, citizenId: c.msg.citizenId, actedAt: c.msg.sentAt },
    now,
    c.channels.map((ch) => ch.id),
  );
  const turnedOn = change.subscribe ? predicted.applied : [];
  const after = c.channels
    .filter((ch) => turnedOn.includes(ch.id) || (c.before.includes(ch.id) && (change.subscribe || !predicted.applied.includes(ch.id))))
    .map((ch) => ch.id);
  return { command, lang: c.ctx.lang, change, reply: replyFor(predicted, after), predicted, replyFor };
}

function noChange(c: Context, command: KeywordAction["command"], reply: Reply): KeywordAction {
  return { command, lang: c.ctx.lang, change: null, reply, predicted: null, replyFor: () => reply };
}

const nothingApplied = (o: ConsentOutcome) => o.applied.length === 0 && o.superseded.length > 0;

/** Channels by id, in channel order (unknown/archived ids are left out). */
function refs(channels: Channel[], ids: string[]): Channel[] {
  return channels.filter((c) => ids.includes(c.id));
}
