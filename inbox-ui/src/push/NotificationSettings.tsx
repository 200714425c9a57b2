// "Benachrichtigungen": this device's switch (asks the browser's permission only on that tap), which
// events to be told about, "Test senden", and the other registered devices. Sending is the Worker's job.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { Button, StatusMessage, errorText, formatDate, useAction } from "../ui";
import { currentSubscription, pushSupport, registration, subscribeBrowser } from "./browser-push";
import { tn } from "./strings";
import "./push.css";

type State = Ok<typeof client.api.push.$get>;
type Settings = State["settings"];

export function NotificationSettings() {
  const [state, setState] = useState<State | null>(null);
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const { busy, error, info, setError, setInfo, run } = useAction();
  const support = pushSupport();

  const load = async () => {
    const [s, sub] = await Promise.all([call(client.api.push.$get()), currentSubscription().catch(() => null)]);
    setState(s);
    setEndpoint(sub?.endpoint ?? null);
  };
  useEffect(() => {
    load().catch((err: unknown) => setError(errorText(err)));
  }, []);


  if (!state) return error ? <StatusMessage kind="error">{error}</StatusMessage> : <p class="muted">…</p>;
  const own = state.subscriptions.find((s) => s.endpoint === endpoint) ?? null;
  const on = own !== null;

  const turnOn = () =>
    run(async () => {
      if (!state.publicKey) return;
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setError(tn(permission === "denied" ? "denied" : "dismissed"));
        return;
      }
      const reg = await registration();
      if (!reg) {
        setError(tn("noWorker"));
        return;
      }
      // The browser's own push service refused or was unreachable (offline, blocked by a firewall).
      const sub = await subscribeBrowser(reg, state.publicKey).catch(() => null);
      if (!sub) {
        setError(tn("subscribeFailed"));
        return;
      }
      await call(client.api.push.subscriptions.$post({ json: sub }));
      await load();
    });
  const turnOff = () =>
    run(async () => {
      const sub = await currentSubscription();
      if (own) await call(client.api.push.subscriptions[":id"].$delete({ param: { id: own.id } }));
      await sub?.unsubscribe();
      await load();
    });
  const save = (next: Settings) =>
    run(async () => {
      const res = await call(client.api.push.settings.$put({ json: next }));
      setState({ ...state, settings: res.settings });
      setInfo(tn("saved"));
    });
  const remove = (id: string) =>
    run(async () => {
      await call(client.api.push.subscriptions[":id"].$delete({ param: { id } }));
      await load();
    });
  const test = () =>
    run(async () => {
      await call(client.api.push.test.$post());
      setInfo(tn("testSent"));
    });

  return (
    <div class="stack push-settings" data-testid="push-settings">
      <p>{tn("intro")}</p>
      {!state.configured ? (
        <StatusMessage>{tn("notSetUp")}</StatusMessage>
      ) : support !== "ok" ? (
        <StatusMessage>{tn("unsupported")}</StatusMessage>
      ) : (
        <>
          <label class="push-switch">
            <input
              type="checkbox"
              role="switch"
              checked={on}
              disabled={busy}
              aria-checked={on}
              onChange={() => void (on ? turnOff() : turnOn())}
            />
            <span>{tn("thisDevice")}</span>
            <span class="muted small" aria-hidden="true">
              {on ? tn("on") : tn("off")}
            </span>
          </label>
          <fieldset class="push-events" disabled={busy}>
            <legend>{tn("events")}</legend>
            <label>
              <input type="checkbox" checked={state.settings.assigned} onChange={(e) => void save({ ...state.settings, assigned: e.currentTarget.checked })} />
              <span>
                {tn("assigned")}
                <span class="muted small block">{tn("assignedHint")}</span>
              </span>
            </label>
            <label>
              <input type="checkbox" checked={state.settings.newReports} onChange={(e) => void save({ ...state.settings, newReports: e.currentTarget.checked })} />
              <span>
                {tn("newReports")}
                <span class="muted small block">{tn("newReportsHint")}</span>
              </span>
            </label>
          </fieldset>
          {state.subscriptions.length > 0 && (
            <>
              <Button small onClick={() => void test()} busy={busy}>
                {tn("test")}
              </Button>
              <h3 class="push-devices-title">{tn("devices")}</h3>
              <ul class="push-devices">
                {state.subscriptions.map((s) => {
                  const label = s.id === own?.id ? `${s.label ?? "Browser"} (${tn("thisOne")})` : (s.label ?? "Browser");
                  return (
                    <li key={s.id}>
                      <span>{tn("deviceSince", { label, date: formatDate(s.createdAt) })}</span>
                      {s.id !== own?.id && (
                        <Button small variant="ghost" aria-label={tn("removeLabel", { label })} onClick={() => void remove(s.id)} disabled={busy}>
                          {tn("remove")}
                        </Button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </>
      )}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {info && <StatusMessage kind="ok">{info}</StatusMessage>}
    </div>
  );
}
