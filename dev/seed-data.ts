// Demo content for a first local start: channels, citizens and their conversations (German).
// Times are given as "minutes before seeding" so the demo always looks recent.

export interface DemoChannel {
  id: string;
  name: string;
  description: string;
  keyword: string;
  defaultOn: boolean;
  position: number;
}

export const DEMO_CHANNELS: DemoChannel[] = [
  {
    id: "ch_newsletter",
    name: "Newsletter",
    description: "Einmal pro Woche: Neuigkeiten aus der Gemeinde, Termine und Amtliches.",
    keyword: "NEWSLETTER",
    defaultOn: true,
    position: 0,
  },
  {
    id: "ch_adhoc",
    name: "Ad-hoc-Infos",
    description: "Baustellen, Straßensperren, Sicherheitswarnungen – sofort, wenn es wichtig ist.",
    keyword: "INFO",
    defaultOn: true,
    position: 1,
  },
  {
    id: "ch_events",
    name: "Events",
    description: "Feste, Märkte, Konzerte und Veranstaltungen in der Gemeinde.",
    keyword: "EVENTS",
    defaultOn: false,
    position: 2,
  },
  {
    id: "ch_freibad",
    name: "Freibad",
    description: "Öffnungszeiten, Wassertemperatur und Schließtage bei Schlechtwetter.",
    keyword: "FREIBAD",
    defaultOn: false,
    position: 3,
  },
  {
    id: "ch_brueckenlauf",
    name: "Brückenlauf",
    description: "Anmeldung, Startzeiten, Streckensperren und Ergebnisse des Brückenlaufs.",
    keyword: "LAUF",
    defaultOn: false,
    position: 4,
  },
];

type Source = "widget_code" | "whatsapp_keyword";

export interface DemoCitizen {
  waId: string;
  name: string;
  /** Channels subscribed, with how the citizen opted in and how long ago (minutes). */
  subscriptions: { channelId: string; source: Source; minutesAgo: number; leftMinutesAgo?: number }[];
}

const DAY = 24 * 60;

export const DEMO_CITIZENS: DemoCitizen[] = [
  {
    waId: "436641234501",
    name: "Maria Huber",
    subscriptions: [
      { channelId: "ch_newsletter", source: "widget_code", minutesAgo: 21 * DAY },
      { channelId: "ch_adhoc", source: "widget_code", minutesAgo: 21 * DAY },
      { channelId: "ch_brueckenlauf", source: "whatsapp_keyword", minutesAgo: 6 * DAY },
    ],
  },
  {
    waId: "436762345602",
    name: "Johann Gruber",
    subscriptions: [
      { channelId: "ch_newsletter", source: "whatsapp_keyword", minutesAgo: 14 * DAY },
      { channelId: "ch_adhoc", source: "whatsapp_keyword", minutesAgo: 14 * DAY },
    ],
  },
  {
    waId: "436603456703",
    name: "Anna Wagner",
    subscriptions: [
      { channelId: "ch_adhoc", source: "widget_code", minutesAgo: 9 * DAY },
      { channelId: "ch_freibad", source: "widget_code", minutesAgo: 9 * DAY },
      { channelId: "ch_events", source: "widget_code", minutesAgo: 4 * DAY },
    ],
  },
  {
    waId: "436994567804",
    name: "Stefan Pichler",
    subscriptions: [
      { channelId: "ch_brueckenlauf", source: "whatsapp_keyword", minutesAgo: 3 * DAY },
      { channelId: "ch_events", source: "whatsapp_keyword", minutesAgo: 2 * DAY },
    ],
  },
  {
    waId: "436505678905",
    name: "Elisabeth Moser",
    subscriptions: [
      { channelId: "ch_newsletter", source: "widget_code", minutesAgo: 30 * DAY },
      { channelId: "ch_adhoc", source: "widget_code", minutesAgo: 30 * DAY },
      { channelId: "ch_freibad", source: "whatsapp_keyword", minutesAgo: 16 * DAY, leftMinutesAgo: 7 * DAY },
    ],
  },
  {
    waId: "436706789006",
    name: "Lukas Steiner",
    subscriptions: [{ channelId: "ch_newsletter", source: "widget_code", minutesAgo: 1 * DAY + 5 * 60 }],
  },
  // Newsletter readers who signed up and have not written since: like most subscribers, reachable
  // only with an approved template (their 24-hour window closed days ago).
  {
    waId: "436648901207",
    name: "Theresa Pichler",
    subscriptions: [{ channelId: "ch_newsletter", source: "whatsapp_keyword", minutesAgo: 12 * DAY }],
  },
  {
    waId: "436769012308",
    name: "Franz Moser",
    subscriptions: [
      { channelId: "ch_newsletter", source: "widget_code", minutesAgo: 40 * DAY },
      { channelId: "ch_adhoc", source: "widget_code", minutesAgo: 40 * DAY },
    ],
  },
  {
    waId: "436500123409",
    name: "Elisabeth Hofer",
    subscriptions: [
      { channelId: "ch_newsletter", source: "whatsapp_keyword", minutesAgo: 5 * DAY },
      { channelId: "ch_events", source: "whatsapp_keyword", minutesAgo: 5 * DAY },
    ],
  },
];

/**
 * Minutes since the citizen's last message to the town: every sign-up and sign-off is a WhatsApp
 * message (keyword or widget code), and so is every "in" message of their conversation.
 */
export function lastMessageMinutesAgo(c: DemoCitizen, conversations: DemoConversation[]): number {
  const times = c.subscriptions.flatMap((s) => [s.minutesAgo, ...(s.leftMinutesAgo === undefined ? [] : [s.leftMinutesAgo])]);
  for (const v of conversations) if (v.waId === c.waId) for (const m of v.messages) if (m.dir === "in") times.push(m.minutesAgo);
  return Math.min(...times);
}

export type DemoMessage =
  | { dir: "in"; minutesAgo: number; type: "text"; text: string }
  | { dir: "in"; minutesAgo: number; type: "image"; caption: string }
  | { dir: "in"; minutesAgo: number; type: "location"; latitude: number; longitude: number; name: string; address: string }
  | { dir: "out"; minutesAgo: number; type: "text"; text: string; status: "delivered" | "read" };

export interface DemoConversation {
  waId: string;
  status: "open" | "resolved";
  unread: number;
  report?: { category: string; status: "neu" | "in_bearbeitung" | "erledigt"; latitude: number; longitude: number; address: string };
  messages: DemoMessage[];
}

export const DEMO_CONVERSATIONS: DemoConversation[] = [
  {
    waId: "436603456703",
    status: "open",
    unread: 2,
    messages: [
      { dir: "in", minutesAgo: 26, type: "text", text: "Grüß Gott! Ab wann hat das Freibad heuer offen? Und bis wie viel Uhr kann man am Abend schwimmen?" },
      { dir: "in", minutesAgo: 25, type: "text", text: "Gibt es auch wieder eine Saisonkarte für Familien?" },
    ],
  },
  {
    waId: "436762345602",
    status: "open",
    unread: 3,
    report: { category: "Vandalismus", status: "neu", latitude: 47.07092, longitude: 15.44178, address: "Stadtpark, beim Spielplatz" },
    messages: [
      {
        dir: "in",
        minutesAgo: 122,
        type: "text",
        text: "Hallo, beim Spielplatz im Stadtpark hat jemand die Parkbank beschmiert und den Mülleimer umgetreten. Foto schicke ich gleich.",
      },
      { dir: "in", minutesAgo: 121, type: "image", caption: "Die Bank beim Spielplatz, heute früh" },
      { dir: "in", minutesAgo: 120, type: "location", latitude: 47.07092, longitude: 15.44178, name: "Stadtpark – Spielplatz", address: "Stadtpark, beim Spielplatz" },
    ],
  },
  {
    waId: "436994567804",
    status: "open",
    unread: 0,
    messages: [
      { dir: "in", minutesAgo: 45, type: "text", text: "Ist die Brücke am Samstag wegen dem Lauf gesperrt? Ich muss in der Früh zur Arbeit." },
      {
        dir: "out",
        minutesAgo: 38,
        type: "text",
        text: "Grüß Gott! Ja, die Brücke ist am Samstag von 8 bis 12 Uhr für den Verkehr gesperrt. Die Umleitung führt über die Bahnhofstraße.",
        status: "delivered",
      },
    ],
  },
  {
    waId: "436641234501",
    status: "resolved",
    unread: 0,
    messages: [
      { dir: "in", minutesAgo: 3 * DAY + 30, type: "text", text: "Kann man sich für den Brückenlauf noch anmelden? Und gibt es eine Kinderwertung?" },
      {
        dir: "out",
        minutesAgo: 3 * DAY + 10,
        type: "text",
        text: "Grüß Gott Frau Huber! Ja, die Anmeldung ist noch bis 15. Juni auf der Website der Gemeinde möglich. Für Kinder bis 12 Jahre gibt es eine eigene Wertung über 1 km.",
        status: "read",
      },
      { dir: "in", minutesAgo: 3 * DAY + 5, type: "text", text: "Super, danke! 👍" },
    ],
  },
];
