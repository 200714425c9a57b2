// The bot's short replies to keyword messages, in German (English when the citizen wrote the
// English keyword). Each reply says which channels are on and how to change or leave.
import { displayKeyword, type KeywordConfig, type Lang } from "./keywords/rule";

export interface ChannelRef {
  id: string;
  name: string;
  description: string;
}

export type Reply =
  | { kind: "text"; text: string }
  | {
      kind: "list";
      header: string;
      body: string;
      button: string;
      rows: { id: string; title: string; description?: string }[];
    }
  | { kind: "buttons"; body: string; buttons: { id: string; title: string }[] };

/** Menu rows sent before taps carried their meaning: a tap toggles the channel's current state. */
export const TOGGLE_PREFIX = "tw:ch:";
/** Menu rows name what a tap asks for, so taps can be applied in WhatsApp-timestamp order. */
export const TAP_ON_PREFIX = "tw:on:";
export const TAP_OFF_PREFIX = "tw:off:";

/** What a tap on one of our menu rows asks for; null for any other reply id. */
export function parseMenuTap(id: string | null | undefined): { channelId: string; on: boolean | "toggle" } | null {
  if (!id) return null;
  if (id.startsWith(TAP_ON_PREFIX)) return { channelId: id.slice(TAP_ON_PREFIX.length), on: true };
  if (id.startsWith(TAP_OFF_PREFIX)) return { channelId: id.slice(TAP_OFF_PREFIX.length), on: false };
  if (id.startsWith(TOGGLE_PREFIX)) return { channelId: id.slice(TOGGLE_PREFIX.length), on: "toggle" };
  return null;
}

const tapId = (c: ChannelRef, on: boolean) => `${on ? TAP_OFF_PREFIX : TAP_ON_PREFIX}${c.id}`;

/** WhatsApp limits: list rows ≤ 10, row title ≤ 24, description ≤ 72, button title ≤ 20. */
export const MAX_LIST_ROWS = 10;
export const MAX_BUTTONS = 3;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const names = (chs: ChannelRef[]) => chs.map((c) => c.name).join(", ");

export interface ReplyContext {
  lang: Lang;
  keywords: KeywordConfig;
}

function footer(ctx: ReplyContext, o: { subscribed: boolean }): string {
  const k = (c: "subscribe" | "unsubscribe" | "menu" | "help") => displayKeyword(ctx.keywords, c, ctx.lang);
  if (ctx.lang === "en") {
    return o.subscribed
      ? `Change channels: send ${k("menu")}. Leave: send ${k("unsubscribe")}. Help: ${k("help")}.`
      : `Subscribe again: send ${k("subscribe")} or ${k("menu")}.`;
  }
  return o.subscribed
    ? `Kanäle ändern: ${k("menu")} senden. Abmelden: ${k("unsubscribe")} senden. Hilfe: ${k("help")}.`
    : `Wieder anmelden: ${k("subscribe")} oder ${k("menu")} senden.`;
}

function state(ctx: ReplyContext, active: ChannelRef[]): string {
  if (ctx.lang === "en") return active.length ? `Your channels: ${names(active)}.` : "You are not subscribed to any channel.";
  return active.length ? `Ihre Kanäle: ${names(active)}.` : "Sie haben derzeit keinen Kanal abonniert.";
}

export function subscribedReply(ctx: ReplyContext, added: ChannelRef[], active: ChannelRef[], superseded: ChannelRef[] = []): Reply {
  const en = ctx.lang === "en";
  const head = added.length
    ? en
      ? `✅ You are now subscribed to: ${names(added)}.`
      : `✅ Sie sind jetzt angemeldet für: ${names(added)}.`
    : en
      ? "✅ You were already subscribed."
      : "✅ Sie waren bereits angemeldet.";
  const rest = added.length === active.length && superseded.length === 0 ? "" : ` ${state(ctx, active)}`;
  return { kind: "text", text: `${head}${supersededNote(ctx, superseded)}${rest}\n${footer(ctx, { subscribed: true })}` };
}

export const STOP_CONFIRMATION = {
  de: "Sie sind von allen Kanälen abgemeldet: Sie erhalten keine Newsletter und Warnungen mehr. Antworten auf Ihre eigenen Fragen und Meldungen bekommen Sie weiterhin.",
  en: "You are unsubscribed from all channels: you will get no more newsletters or alerts. You will still get answers to your own questions and reports.",
} as const;

export function unsubscribedReply(
  ctx: ReplyContext,
  removed: ChannelRef[],
  active: ChannelRef[],
  all: boolean,
  superseded: ChannelRef[] = [],
): Reply {
  const en = ctx.lang === "en";
  if ((all || active.length === 0) && superseded.length === 0) {
    // What STOP means, said exactly (docs/outreach-and-answers.md): no more newsletters and alerts,
    // but answers to the citizen's own questions and reports still come.
    const text = en ? STOP_CONFIRMATION.en : STOP_CONFIRMATION.de;
    return { kind: "text", text: `${text}\n${footer(ctx, { subscribed: false })}` };
  }
  const head = removed.length
    ? en
      ? `You are unsubscribed from: ${names(removed)}.`
      : `Sie sind abgemeldet von: ${names(removed)}.`
    : en
      ? "You were not subscribed to that channel."
      : "Diesen Kanal hatten Sie nicht abonniert.";
  return { kind: "text", text: `${head}${supersededNote(ctx, superseded)} ${state(ctx, active)}\n${footer(ctx, { subscribed: active.length > 0 })}` };
}

export function toggledReply(ctx: ReplyContext, channel: ChannelRef, on: boolean, active: ChannelRef[]): Reply {
  const en = ctx.lang === "en";
  const head = en
    ? on
      ? `✅ ${channel.name} is now on.`
      : `${channel.name} is now off.`
    : on
      ? `✅ ${channel.name} ist jetzt an.`
      : `${channel.name} ist jetzt aus.`;
  return { kind: "text", text: `${head} ${state(ctx, active)}\n${footer(ctx, { subscribed: active.length > 0 })}` };
}

/** Channels an older action asked for that a newer one had already decided (appended to a reply). */
export function supersededNote(ctx: ReplyContext, superseded: ChannelRef[]): string {
  if (superseded.length === 0) return "";
  return ctx.lang === "en"
    ? ` Not changed, because a newer change counts: ${names(superseded)}.`
    : ` Nicht geändert, weil eine neuere Änderung gilt: ${names(superseded)}.`;
}

/** The whole action lost to newer ones: say so and what is true now; never claim a change. */
export function supersededReply(ctx: ReplyContext, active: ChannelRef[]): Reply {
  const head =
    ctx.lang === "en"
      ? "This message is older than your latest change. The newer one counts, so nothing was changed."
      : "Diese Nachricht ist älter als Ihre letzte Änderung. Es gilt die neuere, daher haben wir nichts geändert.";
  return { kind: "text", text: `${head} ${state(ctx, active)}\n${footer(ctx, { subscribed: active.length > 0 })}` };
}

export function channelGoneReply(ctx: ReplyContext): Reply {
  return {
    kind: "text",
    text:
      ctx.lang === "en"
        ? `This channel is no longer available. Send ${displayKeyword(ctx.keywords, "menu", "en")} for the current list.`
        : `Diesen Kanal gibt es nicht mehr. Senden Sie ${displayKeyword(ctx.keywords, "menu", "de")} für die aktuelle Liste.`,
  };
}

/** The menu: buttons for up to three channels, a list for more (at most ten rows). */
export function menuReply(ctx: ReplyContext, channels: ChannelRef[], activeIds: string[], intro?: string): Reply {
  const en = ctx.lang === "en";
  if (channels.length === 0) {
    return { kind: "text", text: en ? "There are no channels at the moment." : "Derzeit gibt es keine Kanäle." };
  }
  const active = channels.filter((c) => activeIds.includes(c.id));
  const how = en ? "Tap a channel to switch it on or off." : "Tippen Sie auf einen Kanal, um ihn an- oder abzumelden.";
  const leave = en
    ? `Send ${displayKeyword(ctx.keywords, "unsubscribe", "en")} to leave all.`
    : `${displayKeyword(ctx.keywords, "unsubscribe", "de")} meldet Sie von allem ab.`;
  const body = [intro, `${how} ${state(ctx, active)}`, leave].filter(Boolean).join("\n");
  const mark = (c: ChannelRef) => (activeIds.includes(c.id) ? "✅ " : "");
  if (channels.length <= MAX_BUTTONS) {
    return {
      kind: "buttons",
      body,
      buttons: channels.map((c) => ({ id: tapId(c, activeIds.includes(c.id)), title: clip(`${mark(c)}${c.name}`, 20) })),
    };
  }
  return {
    kind: "list",
    header: en ? "Your channels" : "Ihre Kanäle",
    body,
    button: en ? "Choose channels" : "Kanäle wählen",
    rows: channels.slice(0, MAX_LIST_ROWS).map((c) => {
      const on = activeIds.includes(c.id);
      const status = en ? (on ? "On – tap to switch off" : "Off – tap to subscribe") : on ? "An – tippen zum Abmelden" : "Aus – tippen zum Anmelden";
      return {
        id: tapId(c, on),
        title: clip(`${mark(c)}${c.name}`, 24),
        description: clip(c.description ? `${status} · ${c.description}` : status, 72),
      };
    }),
  };
}

export function badCodeIntro(lang: Lang, code: string, status: "expired" | "unknown"): string {
  if (lang === "en") {
    return status === "expired" ? `The code ${code} has expired.` : `The code ${code} is unknown.`;
  }
  return status === "expired" ? `Der Code ${code} ist abgelaufen.` : `Den Code ${code} kennen wir nicht.`;
}

export function noDefaultsIntro(lang: Lang): string {
  return lang === "en" ? "Please choose your channels." : "Bitte wählen Sie Ihre Kanäle.";
}

export function helpReply(ctx: ReplyContext, active: ChannelRef[]): Reply {
  const k = (c: "subscribe" | "unsubscribe" | "menu" | "help") => displayKeyword(ctx.keywords, c, ctx.lang);
  const text =
    ctx.lang === "en"
      ? [
          "This is the town hall on WhatsApp. Send one of these words:",
          `${k("subscribe")} – get our news`,
          `${k("menu")} – choose channels`,
          `${k("unsubscribe")} – leave everything`,
          `${k("help")} – this help`,
          state(ctx, active),
          "For anything else just write to us – our team will answer.",
        ]
      : [
          "Hier schreibt die Gemeinde auf WhatsApp. Senden Sie eines dieser Wörter:",
          `${k("subscribe")} – Nachrichten bekommen`,
          `${k("menu")} – Kanäle wählen`,
          `${k("unsubscribe")} – alles abbestellen`,
          `${k("help")} – diese Hilfe`,
          state(ctx, active),
          "Für alles andere schreiben Sie uns einfach – unser Team antwortet.",
        ];
  return { kind: "text", text: text.join("\n") };
}

/** What the reply looks like as text in the staff inbox. */
export function replyText(reply: Reply): string {
  switch (reply.kind) {
    case "text":
      return reply.text;
    case "buttons":
      return `${reply.body}\n${reply.buttons.map((b) => `[${b.title}]`).join(" ")}`;
    case "list":
      return `${reply.body}\n${reply.rows.map((r) => `• ${r.title}`).join("\n")}`;
  }
}
