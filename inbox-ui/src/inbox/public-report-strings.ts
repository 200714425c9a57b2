// Texts of the public side of a report (Open311 summary, duplicates, merging), German first.
import { defineStrings } from "../i18n";

export const tp = defineStrings({
  de: {
    summaryLabel: "Öffentliche Zusammenfassung",
    summaryHint:
      "Wird öffentlich gezeigt (Meldungsübersicht der Gemeinde), wenn die Gemeinde das eingeschaltet hat. Keine Namen, Telefonnummern oder Hausnummern von Privatpersonen – der Text der Bürger:in wird nie veröffentlicht.",
    summarySaved: "Zusammenfassung gespeichert.",
    duplicateTitle: "Möglicherweise dieselbe Meldung",
    duplicateHint: "Offene Meldungen derselben Kategorie in höchstens 50 m Entfernung aus den letzten 14 Tagen.",
    duplicateItem: "{category}, {distance} entfernt, {date}",
    openReport: "Andere Meldung öffnen",
    mergeInto: "Hierher zusammenführen",
    mergeConfirm:
      "Diese Meldung in die andere zusammenführen? Sie wird dann geschlossen und verweist auf die andere; Fotos und Nachrichten bleiben hier erhalten. Die Bürger:in bekommt keine Nachricht.",
    merged: "Zusammengeführt.",
    mergedInto: "Zusammengeführt mit einer anderen Meldung (geschlossen).",
    metres: "{n} m",
  },
  en: {
    summaryLabel: "Public summary",
    summaryHint:
      "Shown publicly (the town's overview of reports) if the town has turned it on. No names, phone numbers or house numbers of private persons – the citizen's own text is never published.",
    summarySaved: "Summary saved.",
    duplicateTitle: "Possibly the same report",
    duplicateHint: "Open reports of the same category within 50 m from the last 14 days.",
    duplicateItem: "{category}, {distance} away, {date}",
    openReport: "Open the other report",
    mergeInto: "Merge into this one",
    mergeConfirm:
      "Merge this report into the other one? It is then closed and points to the other; photos and messages stay here. The citizen gets no message.",
    merged: "Merged.",
    mergedInto: "Merged into another report (closed).",
    metres: "{n} m",
  },
});
