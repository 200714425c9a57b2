// The message templates the simulated WhatsApp Business account has "approved". Served by the fake
// Graph API (GET /{waba-id}/message_templates, Meta's response shape) and seeded into `templates`.

export interface DemoTemplate {
  id: string;
  name: string;
  language: string;
  status: "APPROVED";
  category: "UTILITY" | "MARKETING";
  parameter_format: "POSITIONAL";
  components: (
    | { type: "HEADER"; format: "TEXT"; text: string }
    | { type: "BODY"; text: string; example?: { body_text: string[][] } }
    | { type: "FOOTER"; text: string }
    | { type: "BUTTONS"; buttons: { type: "QUICK_REPLY"; text: string }[] }
  )[];
}

export const DEMO_TEMPLATES: DemoTemplate[] = [
  {
    id: "1289374650192837",
    name: "meldung_status",
    language: "de",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    components: [
      {
        type: "BODY",
        text: "Grüß Gott! Zu Ihrer Meldung an die Gemeinde gibt es Neuigkeiten: {{1}}\nBei Fragen antworten Sie einfach auf diese Nachricht.",
        example: { body_text: [["Die beschmierte Parkbank im Stadtpark wurde gereinigt."]] },
      },
    ],
  },
  {
    id: "1289374650192838",
    name: "newsletter_woche",
    language: "de",
    status: "APPROVED",
    category: "MARKETING",
    parameter_format: "POSITIONAL",
    components: [
      { type: "HEADER", format: "TEXT", text: "Neues aus der Gemeinde" },
      {
        type: "BODY",
        text: "Grüß Gott {{1}}! Das gibt es diese Woche: {{2}}\nTippen Sie auf „Weiterlesen“ für den ganzen Newsletter.",
        example: { body_text: [["Maria", "Flohmarkt am Hauptplatz, neue Öffnungszeiten im Bürgerservice"]] },
      },
      { type: "FOOTER", text: "Abmelden? Schreiben Sie ABMELDEN." },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
    ],
  },
  {
    id: "1289374650192839",
    name: "warnung_aktuell",
    language: "de",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    components: [
      {
        type: "BODY",
        text: "⚠️ Wichtige Information der Gemeinde: {{1}}\nBitte beachten Sie die Hinweise.",
        example: { body_text: [["Die Hauptstraße ist wegen eines Rohrbruchs bis 18 Uhr gesperrt."]] },
      },
    ],
  },
  {
    id: "1289374650192840",
    name: "rueckfrage",
    language: "de",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    components: [
      {
        type: "BODY",
        text: "Grüß Gott! Wir haben noch eine Frage zu Ihrer Nachricht an die Gemeinde. Bitte antworten Sie hier im Chat, dann können wir weiterhelfen.",
      },
    ],
  },
];

/** Number of distinct {{n}} placeholders in a template text. */
export function placeholderCount(text: string): number {
  return new Set([...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;
}

/** Replaces {{n}} with the n-th parameter (1-based); unknown placeholders stay visible. */
export function fillPlaceholders(text: string, params: string[]): string {
  return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (all, n: string) => params[Number(n) - 1] ?? all);
}
