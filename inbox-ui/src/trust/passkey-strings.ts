// Texts of passkeys (docs/trust.md), German first, English second.
import { defineStrings } from "../i18n";

const de = {
  title: "Passkeys",
  intro: "Mit einem Passkey melden Sie sich ohne Passwort an – mit Fingerabdruck, Gesicht oder PIN Ihres Geräts. Ein Passkey kann nicht abgefangen werden und zählt als Zwei-Faktor-Anmeldung.",
  none: "Noch kein Passkey gespeichert.",
  name: "Name des Passkeys",
  nameHint: "Damit Sie ihn später erkennen, z. B. „Laptop Büro“.",
  add: "Passkey hinzufügen",
  added: "Der Passkey „{name}“ ist gespeichert.",
  created: "Hinzugefügt am {date}",
  lastUsed: "zuletzt verwendet am {date}",
  neverUsed: "noch nie verwendet",
  rename: "Umbenennen",
  save: "Speichern",
  cancel: "Abbrechen",
  remove: "Löschen",
  removeTitle: "Passkey löschen?",
  removeConfirm: "Mit „{name}“ kann man sich danach nicht mehr anmelden. Das Passwort bleibt gültig.",
  removePassword: "Ihr Passwort (zur Sicherheit, weil die Anmeldung schon länger her ist)",
  removed: "Der Passkey ist gelöscht.",
  cancelled: "Der Vorgang wurde abgebrochen. Bitte noch einmal versuchen und am Gerät bestätigen.",
  unsupported: "Dieser Browser kann keine Passkeys verwenden. Bitte einen aktuellen Browser nutzen.",
  signIn: "Mit Passkey anmelden",
  or: "oder",
  unknown: "Diesen Passkey kennen wir nicht (mehr). Bitte mit E-Mail-Adresse und Passwort anmelden.",
};

const en: typeof de = {
  title: "Passkeys",
  intro: "With a passkey you sign in without a password – with your device's fingerprint, face or PIN. A passkey cannot be phished and counts as two-factor sign-in.",
  none: "No passkey saved yet.",
  name: "Name of the passkey",
  nameHint: "So you recognise it later, e.g. “Office laptop”.",
  add: "Add passkey",
  added: "The passkey “{name}” is saved.",
  created: "Added on {date}",
  lastUsed: "last used on {date}",
  neverUsed: "never used",
  rename: "Rename",
  save: "Save",
  cancel: "Cancel",
  remove: "Delete",
  removeTitle: "Delete passkey?",
  removeConfirm: "“{name}” can no longer be used to sign in. The password stays valid.",
  removePassword: "Your password (for safety, as you signed in a while ago)",
  removed: "The passkey is deleted.",
  cancelled: "This was cancelled. Please try again and confirm on your device.",
  unsupported: "This browser cannot use passkeys. Please use a current browser.",
  signIn: "Sign in with a passkey",
  or: "or",
  unknown: "We do not know this passkey (any more). Please sign in with e-mail address and password.",
};

export type PasskeyStringKey = keyof typeof de;
export const tk = defineStrings<PasskeyStringKey>({ de, en });
