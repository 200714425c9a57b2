// zod issues as German sentences a clerk understands: the problem named in words ("Der Text ist zu
// lang: höchstens 4.096 Zeichen."), never a field path or zod's English. A schema's own message wins
// (zod asks a schema's `error` before this map); this map words everything else.
import type { z } from "zod";

type Issue = z.core.$ZodRawIssue;

/** What a field is called in a sentence, with its article (lower case; capitalised at the start). */
const LABELS: Record<string, string> = {
  text: "der Text",
  title: "der Titel",
  name: "der Name",
  description: "die Beschreibung",
  email: "die E-Mail-Adresse",
  password: "das Passwort",
  currentPassword: "das aktuelle Passwort",
  newPassword: "das neue Passwort",
  phone: "die Telefonnummer",
  role: "die Rolle",
  disabled: "die Angabe „gesperrt“",
  kind: "die Art",
  status: "der Status",
  category: "die Kategorie",
  categories: "die Liste der Kategorien",
  channel: "der Kanal",
  channels: "die Auswahl der Kanäle",
  channelIds: "die Auswahl der Kanäle",
  subscribe: "die Liste der Kanäle zum Anmelden",
  unsubscribe: "die Liste der Kanäle zum Abmelden",
  citizenIds: "die Liste der Personen",
  sendAt: "der Sendezeitpunkt",
  mediaId: "das Foto",
  template: "die Vorlage",
  language: "die Sprache",
  parameters: "die Platzhalter",
  components: "die Bestandteile der Vorlage",
  buttons: "die Schaltflächen",
  delivery: "die Versandart",
  keyword: "das Schlüsselwort",
  keywords: "die Schlüsselwörter",
  defaultOn: "die Voreinstellung",
  position: "die Reihenfolge",
  archived: "die Angabe „archiviert“",
  latitude: "der Breitengrad",
  longitude: "der Längengrad",
  address: "die Adresse",
  report: "die Meldung",
  takeover: "die Übernahme",
  tier: "das Versandlimit",
  prices: "die Preise",
  source: "die Quelle",
  sourceDate: "das Datum der Quelle",
  ics: "die Kalenderdatei",
  url: "die Adresse des Kalenders",
  leadMinutes: "die Vorlaufzeit",
  csv: "die Straßenliste",
  confirm: "die Bestätigung",
  q: "der Suchbegriff",
  cursor: "die Position in der Liste",
  before: "die Position in der Liste",
  limit: "die Anzahl pro Seite",
  days: "der Zeitraum",
  bucket: "die Zeitspanne",
  id: "die Kennung",
  key: "die Kennung",
  manual: "die Angabe „von Hand“",
};

/** What one entry of a list is called. */
const ITEM_LABELS: Record<string, string> = {
  parameters: "ein Platzhalter",
  channels: "ein Kanal",
  channelIds: "ein Kanal",
  subscribe: "ein Kanal",
  unsubscribe: "ein Kanal",
  citizenIds: "eine Person",
  categories: "eine Kategorie",
  components: "ein Bestandteil der Vorlage",
  buttons: "eine Schaltfläche",
};

const number = (n: number | bigint) => Number(n).toLocaleString("de-AT");
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The label of the field at `path`: its own name, or the list it is an entry of, or "eine Angabe". */
export function labelOf(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  if (typeof last === "string") return LABELS[last] ?? "eine Angabe";
  const parent = path.at(-2);
  if (typeof last === "number" && typeof parent === "string") return ITEM_LABELS[parent] ?? `ein Eintrag in ${LABELS[parent] ?? "einer Liste"}`;
  return "eine Angabe";
}

function sentence(issue: Issue, label: string): string {
  const L = capitalise(label);
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? `${L} fehlt.` : `${L} hat nicht die erwartete Form.`;
    case "too_big": {
      const max = number(issue.maximum as number | bigint);
      if (issue.origin === "string") return `${L} ist zu lang: höchstens ${max} Zeichen.`;
      if (issue.origin === "array" || issue.origin === "set") return `${L} hat zu viele Einträge: höchstens ${max}.`;
      return `${L} ist zu groß: höchstens ${max}.`;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? `${L} fehlt.` : `${L} ist zu kurz: mindestens ${number(min)} Zeichen.`;
      if (issue.origin === "array" || issue.origin === "set") {
        return min <= 1 ? `${L} ist leer: bitte mindestens einen Eintrag wählen.` : `${L} hat zu wenige Einträge: mindestens ${number(min)}.`;
      }
      return `${L} ist zu klein: mindestens ${number(min)}.`;
    }
    case "invalid_format":
      if (issue.format === "email") return `${L} ist keine gültige E-Mail-Adresse.`;
      if (issue.format === "url") return `${L} ist keine gültige Internetadresse.`;
      return `${L} hat nicht die erwartete Form.`;
    case "invalid_value":
      return `${L} ist keine der möglichen Auswahlen.`;
    case "unrecognized_keys":
      return "Die Anfrage enthält Angaben, die hier nicht vorgesehen sind. Bitte die Seite neu laden und noch einmal versuchen.";
    case "invalid_union":
      return `${L} ist unvollständig oder passt nicht zusammen.`;
    case "not_multiple_of":
      return `${L} ist keine erlaubte Zahl.`;
    default:
      return `${L} ist ungültig.`;
  }
}

/** zod's per-parse error map: every issue a schema did not word itself becomes a German sentence. */
export function germanIssue(issue: Issue): string {
  return sentence(issue, labelOf(issue.path ?? []));
}

/** A schema's own short message ("Titel fehlt") ends as a sentence too. */
export const asSentence = (message: string) => (/[.!?…)]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`);
