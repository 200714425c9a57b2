// The next dates of a calendar and the latest reminders (sent or skipped, with the reason).
import { formatTime } from "../ui";
import { tk } from "./strings";
import type { CalendarView } from "./types";

export function CalendarDates({ calendar }: { calendar: CalendarView }) {
  return (
    <div class="cal-lists">
      <section aria-labelledby="cal-dates-h">
        <h3 id="cal-dates-h">{tk("dates")}</h3>
        <ul class="cal-dates" data-testid="calendar-dates">
          {calendar.events.slice(0, 12).map((e) => (
            <li key={`${e.start}-${e.summary}`}>
              <span class="cal-day">{e.dayLabel}</span>
              <span>
                {e.allDay ? "" : `${formatTime(e.start)} `}
                {e.summary}
                {e.location && <span class="muted"> – {e.location}</span>}
              </span>
            </li>
          ))}
        </ul>
      </section>
      {calendar.reminders.length > 0 && (
        <section aria-labelledby="cal-rem-h">
          <h3 id="cal-rem-h">{tk("reminders")}</h3>
          <ul class="cal-dates">
            {calendar.reminders.map((r) => (
              <li key={r.day}>
                <span class="cal-day">{r.day.split("-").reverse().join(".")}</span>
                <span>
                  {r.summary} –{" "}
                  <span class={r.status === "sent" ? "tag" : "tag tag-closed"}>{r.status === "sent" ? tk("reminderSent") : tk("reminderSkipped")}</span>
                  {r.reason && <span class="muted"> {r.reason}</span>}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
