// Texts of the widget: German by default, English with data-lang="en". Every text can be
// overridden by a data- attribute on the script tag (see the README).
export const STRINGS = {
  de: {
    title: "Nachrichten der Gemeinde auf WhatsApp",
    intro: "Wählen Sie, worüber wir Sie informieren sollen:",
    button: "Mit WhatsApp anmelden",
    loading: "Wird geladen …",
    unavailable: "Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es später noch einmal.",
    choose: "Bitte wählen Sie mindestens einen Kanal.",
    busy: "Einen Moment …",
    failed: "Das hat nicht geklappt. Bitte versuchen Sie es noch einmal.",
    scan: "Scannen Sie den Code mit der Kamera Ihres Handys. WhatsApp öffnet sich mit der fertigen Nachricht – Sie müssen sie nur noch senden.",
    open: "WhatsApp öffnen",
    opening: "WhatsApp wird geöffnet … Bitte senden Sie dort die vorbereitete Nachricht.",
    send: "Oder schreiben Sie „{text}“ an +{number}.",
    note: "Sie melden sich mit Ihrer eigenen WhatsApp-Nachricht an. Abmelden jederzeit mit STOP.",
    qrAlt: "QR-Code zur Anmeldung per WhatsApp",
  },
  en: {
    title: "Town hall news on WhatsApp",
    intro: "Choose what you would like to hear about:",
    button: "Sign up with WhatsApp",
    loading: "Loading …",
    unavailable: "Sign-up is not available right now. Please try again later.",
    choose: "Please choose at least one channel.",
    busy: "One moment …",
    failed: "That did not work. Please try again.",
    scan: "Scan the code with your phone's camera. WhatsApp opens with the message ready – just send it.",
    open: "Open WhatsApp",
    opening: "Opening WhatsApp … Please send the prepared message there.",
    send: "Or send “{text}” to +{number}.",
    note: "Your own WhatsApp message is your sign-up. Leave at any time with STOP.",
    qrAlt: "QR code to sign up via WhatsApp",
  },
};

export type Strings = (typeof STRINGS)["de"];
