// Texts about a staff member's own WhatsApp number (for test messages). German first.
import { defineStrings } from "../i18n";

const de = {
  phoneColumn: "WhatsApp-Nummer (Testversand)",
  phoneNone: "keine",
  phoneEdit: "Nummer von {name} ändern",
  phoneEditShort: "Ändern",
  phoneDialogTitle: "WhatsApp-Nummer für Testnachrichten",
  phoneDialogTitleOf: "WhatsApp-Nummer von {name}",
  phoneLabel: "WhatsApp-Nummer mit Ländervorwahl",
  phoneHint: "z. B. 43 664 1234567. Testnachrichten aus „Aussendungen“ gehen an diese Nummer. Leer lassen, um sie zu entfernen.",
  phoneInvalid: "Bitte die Nummer mit Ländervorwahl angeben, nur Ziffern (z. B. 43 664 1234567).",
  phoneSaved: "Nummer gespeichert.",
  phoneRemoved: "Nummer entfernt.",
  phoneOptional: "WhatsApp-Nummer (optional, für Testnachrichten)",
} as const;

const en: Record<keyof typeof de, string> = {
  phoneColumn: "WhatsApp number (test messages)",
  phoneNone: "none",
  phoneEdit: "Change the number of {name}",
  phoneEditShort: "Change",
  phoneDialogTitle: "WhatsApp number for test messages",
  phoneDialogTitleOf: "WhatsApp number of {name}",
  phoneLabel: "WhatsApp number with country code",
  phoneHint: "e.g. 43 664 1234567. Test messages from “Broadcasts” go to this number. Leave empty to remove it.",
  phoneInvalid: "Please give the number with country code, digits only (e.g. 43 664 1234567).",
  phoneSaved: "Number saved.",
  phoneRemoved: "Number removed.",
  phoneOptional: "WhatsApp number (optional, for test messages)",
};

export type PhoneStringKey = keyof typeof de;
export const tp = defineStrings<PhoneStringKey>({ de, en });

/** Digits with country code, as the server stores them ("+43 664-123 4567" → "436641234567"), or null when empty. */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/[\s\-/()+.]/g, "");
  return digits === "" ? null : digits;
}

export const isValidPhone = (digits: string) => /^[1-9]\d{7,14}$/.test(digits);

/** One format for numbers everywhere in the app ("+43 664 1234567"). */
export { formatPhone } from "../ui/phone";
