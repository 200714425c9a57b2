// The simulator's JSON API under /__dev/api (dev/phone-routes.ts), as the phone page sees it.

export const API = "/__dev/api";

export interface Person {
  waId: string;
  name: string;
}

/** The WhatsApp wire format of one message (Graph send body or webhook message), as far as the page shows it. */
export interface ImageContent {
  id?: string;
  link?: string;
  caption?: string;
}
export interface ReplyRow {
  id: string;
  title: string;
  description?: string;
}
export interface Interactive {
  type?: string;
  header?: { text?: string };
  body?: { text: string };
  footer?: { text?: string };
  action?: {
    button?: string;
    buttons?: { reply: { id: string; title: string } }[];
    sections?: { title?: string; rows: ReplyRow[] }[];
  };
  button_reply?: { id: string; title: string };
  list_reply?: { id: string; title: string };
}
export interface Rendered {
  header: string | null;
  body: string;
  footer: string | null;
  buttons?: { text: string; payload: string }[];
}
export interface Content {
  type?: string;
  context?: { id?: string };
  text?: { body: string };
  image?: ImageContent;
  template?: { name: string };
  rendered?: Rendered;
  interactive?: Interactive;
  button?: { text: string; payload?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
}

export interface ChatMessage {
  wamid: string;
  direction: "in" | "out";
  type: string;
  content: Content | null;
  status: string;
  error: string | null;
  at: number;
}

export interface Chat {
  name: string | null;
  typing: boolean;
  messages: ChatMessage[];
}

export interface PhonesResponse {
  phones: Person[];
  demoCitizens: Person[];
  business: string;
}

export interface Delivery {
  at: number;
  kind: string;
  httpStatus: number;
  response: string;
}

export interface DeliveriesResponse {
  deliveries: Delivery[];
  pendingStatuses: number;
}

/** What the citizen sends (the body's `message` of POST /phones/:waId/messages). */
export type OutgoingMessage =
  | { type: "text"; text: string }
  | { type: "button"; payload: string; text: string }
  | { type: "button_reply"; id: string; title: string }
  | { type: "list_reply"; id: string; title: string; description?: string }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string };

export interface SendResult {
  delivery?: { status: number } | null;
}

function errorMessage(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("error" in data)) return undefined;
  const error = data.error;
  if (typeof error !== "object" || error === null || !("message" in error)) return undefined;
  return typeof error.message === "string" ? error.message : undefined;
}

/** Calls the API; a non-2xx answer throws with the simulator's (German) message. The caller names the
 *  answer's type: the simulator and this page are built and run together. */
export async function api<T>(method: string, path: string, body?: FormData | object): Promise<T> {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const res = await fetch(API + path, init);
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(errorMessage(data) ?? `Fehler ${res.status}`);
  return data as T;
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
