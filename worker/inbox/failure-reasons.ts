// Why a message did not reach the citizen, in words town-hall staff understand (German).
const REASONS: Record<number, string> = {
  0: "WhatsApp war nicht erreichbar (Netzwerkfehler) – bitte später erneut senden",
  131026: "Nachricht nicht zustellbar (Nummer nicht bei WhatsApp oder veraltete App)",
  131047: "Mehr als 24 Stunden seit der letzten Nachricht – nur eine genehmigte Vorlage ist möglich",
  131048: "Von WhatsApp wegen Spam-Verdacht begrenzt",
  131049: "Von WhatsApp nicht zugestellt, um die Nutzererfahrung zu schützen",
  131050: "Die Person hat Werbenachrichten abbestellt",
  131051: "Nachrichtentyp wird nicht unterstützt",
  131052: "Mediendatei konnte nicht geladen werden",
  131053: "Mediendatei konnte nicht hochgeladen werden",
  131056: "Zu viele Nachrichten an diese Person in kurzer Zeit",
  130429: "WhatsApp-Sendelimit erreicht",
  131000: "Unbekannter Fehler bei WhatsApp",
  131016: "WhatsApp ist vorübergehend nicht erreichbar",
  131042: "Problem mit der Zahlungsmethode des WhatsApp-Kontos",
  368: "Konto vorübergehend von WhatsApp gesperrt",
  190: "Zugangsschlüssel (Access Token) abgelaufen – bitte Administrator informieren",
  132000: "Vorlage: falsche Anzahl an Platzhaltern",
  132001: "Vorlage existiert nicht oder ist nicht genehmigt",
  132005: "Vorlagentext zu lang",
  132007: "Vorlage verstößt gegen WhatsApp-Richtlinien",
  132012: "Vorlage: Platzhalter im falschen Format",
  132015: "Vorlage ist pausiert",
  132016: "Vorlage ist deaktiviert",
};

export function failureReason(code: number | null, fallback: string | null = null): string | null {
  if (code === null) return fallback;
  return REASONS[code] ?? (code >= 132000 && code < 133000 ? "Problem mit der Vorlage" : (fallback ?? `Fehler ${code}`));
}
