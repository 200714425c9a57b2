// A small recommended set of templates (German) an admin can submit to Meta in one click. Bodies keep
// Meta's rules (checkTemplate): no placeholder at the very start or end, an example for each.
import type { TemplateDraft } from "../shared/template-rules";

export interface RecommendedDraft extends TemplateDraft {
  key: string;
  category: "UTILITY" | "MARKETING";
  /** German: what it is for. */
  description: string;
}

export const RECOMMENDED_TEMPLATES: RecommendedDraft[] = [
  {
    key: "newsletter_teaser",
    name: "newsletter_teaser",
    language: "de",
    category: "MARKETING",
    description: "Wöchentlicher Newsletter als Vorschau mit „Weiterlesen“: wer tippt, bekommt sofort den ganzen Text (Zustellart „Weiterlesen“).",
    components: [
      { type: "HEADER", format: "TEXT", text: "Neues aus der Gemeinde" },
      {
        type: "BODY",
        text: "Grüß Gott! Der Newsletter der Gemeinde ist da: {{1}}\nTippen Sie auf „Weiterlesen“, dann schicken wir Ihnen den ganzen Text.",
        example: { body_text: [["Flohmarkt am Samstag, neue Öffnungszeiten im Bürgerservice"]] },
      },
      { type: "FOOTER", text: "Abmelden: ABMELDEN schreiben" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
    ],
  },
  {
    key: "dringende_info",
    name: "dringende_info",
    language: "de",
    category: "UTILITY",
    description: "Dringende Information (Straßensperre, Wasserabschaltung, Warnung) an alle Abonnentinnen und Abonnenten.",
    components: [
      {
        type: "BODY",
        text: "⚠️ Wichtige Information der Gemeinde: {{1}}\nBitte beachten Sie die Hinweise. Bei Fragen antworten Sie auf diese Nachricht.",
        example: { body_text: [["Die Hauptstraße ist wegen eines Rohrbruchs bis 18 Uhr gesperrt."]] },
      },
    ],
  },
  {
    key: "veranstaltung_erinnerung",
    name: "veranstaltung_erinnerung",
    language: "de",
    category: "MARKETING",
    description: "Erinnerung an eine Veranstaltung der Gemeinde (Name und Zeitpunkt als Platzhalter).",
    components: [
      {
        type: "BODY",
        text: "Erinnerung: {{1}} findet am {{2}} statt. Wir freuen uns auf Ihren Besuch!",
        example: { body_text: [["Das Sommerfest im Stadtpark", "Samstag, 14. Juni, ab 15 Uhr"]] },
      },
      { type: "FOOTER", text: "Abmelden: ABMELDEN schreiben" },
    ],
  },
  {
    key: "meldung_status",
    name: "meldung_status",
    language: "de",
    category: "UTILITY",
    description: "Neuigkeiten zu einer Meldung (Schaden, Mängel) außerhalb des 24-Stunden-Fensters; wird vom Meldungs-Status automatisch benutzt.",
    components: [
      {
        type: "BODY",
        text: "Grüß Gott! Zu Ihrer Meldung an die Gemeinde gibt es Neuigkeiten: {{1}}\nBei Fragen antworten Sie einfach auf diese Nachricht.",
        example: { body_text: [["Die beschmierte Parkbank im Stadtpark wurde gereinigt."]] },
      },
    ],
  },
];
