// Textbausteine for the demo (dev/seed.ts): what a town hall answers every day.
export const DEMO_SNIPPETS: { title: string; body: string }[] = [
  {
    title: "Öffnungszeiten Gemeindeamt",
    body: "Grüß Gott {{name}}! Das Gemeindeamt hat Montag bis Freitag von 8 bis 12 Uhr geöffnet, Donnerstag zusätzlich von 14 bis 18 Uhr. Freundliche Grüße, {{sachbearbeiter}}",
  },
  {
    title: "Link zur Gemeinde-Website",
    body: "Alle Formulare und Infos finden Sie auf unserer Website: https://www.gemeinde.example/buergerservice",
  },
  {
    title: "Reisepass und Personalausweis",
    body: "Für Reisepass und Personalausweis brauchen Sie keinen Termin. Bitte bringen Sie ein aktuelles Passfoto und Ihren alten Ausweis mit. Stand: {{datum}}",
  },
  {
    title: "Danke für die Meldung",
    body: "Danke für Ihre Meldung, {{name}}! Wir haben sie an den Bauhof weitergegeben und melden uns, sobald es erledigt ist.",
  },
];
