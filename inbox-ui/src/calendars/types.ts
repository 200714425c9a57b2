// Shapes of the calendars API (types only, from the worker's schema module, which needs nothing but zod).
export type { CalendarEventView, CalendarKind, CalendarReminderView, CalendarView } from "../../../worker/calendars/schemas";

export interface CalendarSummary {
  channelId: string;
  channelName: string;
  kind: "waste" | "events";
  error: string | null;
}

export interface StreetRow {
  street: string;
  channelId: string;
  channelName: string;
}

export interface TemplateOption {
  name: string;
  language: string;
  status: string;
  parameterCount: number;
  body: string;
}
