// The editor's form state and how it maps to the API's create/patch body.
import type { BroadcastDelivery, BroadcastKind, BroadcastView, TemplateRef } from "./types";

export interface EditorState {
  title: string;
  kind: BroadcastKind;
  /** Who gets what: see delivery.ts. */
  delivery: BroadcastDelivery;
  text: string;
  mediaId: string | null;
  mediaUrl: string | null;
  /** "name|language" of the chosen template, "" for none. */
  templateKey: string;
  parameters: string[];
  channelIds: string[];
  when: "now" | "later";
  /** Vienna wall-clock time as the datetime-local field gives it ("2027-03-28T09:00"). */
  sendAtLocal: string;
}

export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;

/** "name|language", the value of the template select. */
export const templateKey = (name: string, language: string) => `${name}|${language}`;

export function emptyState(): EditorState {
  return {
    title: "",
    kind: "newsletter",
    delivery: "auto",
    text: "",
    mediaId: null,
    mediaUrl: null,
    templateKey: "",
    parameters: [],
    channelIds: [],
    when: "now",
    sendAtLocal: "",
  };
}

export function stateFrom(b: BroadcastView): EditorState {
  return {
    title: b.title,
    kind: b.kind,
    delivery: b.delivery,
    text: b.text,
    mediaId: b.mediaId,
    mediaUrl: b.mediaUrl,
    templateKey: b.template ? templateKey(b.template.name, b.template.language) : "",
    parameters: b.template?.parameters ?? [],
    channelIds: b.channelIds,
    when: b.sendAt ? "later" : "now",
    sendAtLocal: b.sendAtLocal ?? "",
  };
}

/** The chosen template as the API takes it, or null. */
export function templateRefOf(s: Pick<EditorState, "templateKey" | "parameters">): TemplateRef | null {
  const [name = "", language = ""] = s.templateKey.split("|");
  return name ? { name, language, parameters: s.parameters } : null;
}

/** Whether the content (text, photo) goes out at all: not with "Nur Vorlage". */
export const usesContent = (delivery: BroadcastDelivery) => delivery !== "template";

/**
 * The body for POST /api/broadcasts (PATCH takes the same fields). Staff compose newsletters and
 * alerts; a reminder (made by the calendar) keeps its kind, so it is not sent.
 */
export function requestBody(s: EditorState) {
  const content = usesContent(s.delivery);
  return {
    title: s.title,
    ...(s.kind === "reminder" ? {} : { kind: s.kind }),
    delivery: s.delivery,
    text: content ? s.text : "",
    channelIds: s.channelIds,
    sendAt: s.when === "later" && s.sendAtLocal ? s.sendAtLocal : null,
    mediaId: content ? s.mediaId : null,
    template: templateRefOf(s),
  };
}

/** Wraps the selected text of a textarea in a WhatsApp marker (*, _ or ~). */
export function wrapSelection(text: string, start: number, end: number, mark: string): { text: string; start: number; end: number } {
  const selected = text.slice(start, end) || "Text";
  const next = `${text.slice(0, start)}${mark}${selected}${mark}${text.slice(end)}`;
  return { text: next, start: start + mark.length, end: start + mark.length + selected.length };
}
