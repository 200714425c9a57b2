// Shapes of the calendars API, all from the server (type-only imports).
export type { CalendarEventView, CalendarKind, CalendarReminderView, CalendarView } from "../../../worker/calendars/schemas";
export type { CalendarSummary } from "../../../worker/calendars/store";
export type { StreetRow } from "../../../worker/calendars/streets";
export type { TemplateListItem as TemplateOption } from "../../../worker/shared/wire-types";
