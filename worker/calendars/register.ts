// Hooks channel calendars into the minute cron (imported once by worker/index.ts).
import { registerScheduledTask } from "../scheduled";
import { runCalendarMinute } from "./reminders";

registerScheduledTask(runCalendarMinute);
