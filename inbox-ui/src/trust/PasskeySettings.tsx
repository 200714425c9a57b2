// Own passkeys (docs/trust.md): add one with a name (the browser asks for fingerprint, face or PIN),
// list, rename, delete. Deleting asks for the password only when the server says the sign-in is not
// recent (403 reauth_required). Confirmations stay inline: this lives inside a dialog already.
import { useEffect, useState } from "preact/hooks";
import { call, isApiError } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { Button, StatusMessage, TextField, errorText, formatDate, useAction } from "../ui";
import { createPasskey, passkeysSupported, webauthnErrorText } from "./passkey-browser";
import { tk } from "./passkey-strings";

type Passkey = Ok<typeof client.api.auth.passkeys.$get>["passkeys"][number];

export function PasskeySettings() {
  const [list, setList] = useState<Passkey[] | null>(null);
  const [name, setName] = useState("");
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [removing, setRemoving] = useState<{ id: string; needPassword: boolean; password: string } | null>(null);
  const { busy, error, info, setError, setInfo, run } = useAction((err) => webauthnErrorText(err) ?? errorText(err));
  const supported = passkeysSupported();

  const load = () =>
    call(client.api.auth.passkeys.$get())
      .then((r) => setList(r.passkeys))
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), []);


  const add = (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    void run(async () => {
      await createPasskey(n);
      setName("");
      setInfo(tk("added", { name: n }));
      await load();
    });
  };
  const rename = (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    void run(async () => {
      await call(client.api.auth.passkeys[":id"].$patch({ param: { id: editing.id }, json: { name: editing.name.trim() } }));
      setEditing(null);
      await load();
    });
  };
  const remove = (e: Event) => {
    e.preventDefault();
    if (!removing) return;
    void run(async () => {
      try {
        await call(client.api.auth.passkeys[":id"].$delete({ param: { id: removing.id }, json: removing.password ? { password: removing.password } : {} }));
      } catch (err) {
        if (isApiError(err) && err.code === "reauth_required") {
          setRemoving({ ...removing, needPassword: true });
          return;
        }
        throw err;
      }
      setRemoving(null);
      setInfo(tk("removed"));
      await load();
    });
  };

  return (
    <section class="stack passkeys" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{tk("title")}</h2>
      <p class="muted">{tk("intro")}</p>
      {info && <StatusMessage kind="ok">{info}</StatusMessage>}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {list && list.length === 0 && <p>{tk("none")}</p>}
      {list && list.length > 0 && (
        <ul class="passkey-list">
          {list.map((p) => (
            <li key={p.id} data-passkey={p.id}>
              {editing?.id === p.id ? (
                <form onSubmit={rename} class="stack" noValidate>
                  <TextField label={tk("name")} maxLength={60} value={editing.name} onInput={(e) => setEditing({ id: p.id, name: e.currentTarget.value })} autofocus />
                  <div class="row-actions">
                    <Button type="submit" variant="primary" small busy={busy} disabled={!editing.name.trim()}>
                      {tk("save")}
                    </Button>
                    <Button small onClick={() => setEditing(null)}>
                      {tk("cancel")}
                    </Button>
                  </div>
                </form>
              ) : (
                <>
                  <strong class="passkey-name">{p.name}</strong>
                  <span class="muted small">
                    {" "}
                    {tk("created", { date: formatDate(p.createdAt) })} · {p.lastUsedAt ? tk("lastUsed", { date: formatDate(p.lastUsedAt) }) : tk("neverUsed")}
                  </span>
                  {removing?.id === p.id ? (
                    <form onSubmit={remove} class="stack passkey-remove" noValidate>
                      <p role="alert">{tk("removeConfirm", { name: p.name })}</p>
                      {removing.needPassword && (
                        <TextField
                          label={tk("removePassword")}
                          type="password"
                          autocomplete="current-password"
                          value={removing.password}
                          onInput={(e) => setRemoving({ ...removing, password: e.currentTarget.value })}
                          autofocus
                        />
                      )}
                      <div class="row-actions">
                        <Button type="submit" variant="danger" small busy={busy} disabled={removing.needPassword && !removing.password}>
                          {tk("remove")}
                        </Button>
                        <Button small onClick={() => setRemoving(null)}>
                          {tk("cancel")}
                        </Button>
                      </div>
                    </form>
                  ) : (
                    <div class="row-actions">
                      <Button small onClick={() => (setRemoving(null), setEditing({ id: p.id, name: p.name }))} aria-label={`${tk("rename")}: ${p.name}`}>
                        {tk("rename")}
                      </Button>
                      <Button small onClick={() => (setEditing(null), setRemoving({ id: p.id, needPassword: false, password: "" }))} aria-label={`${tk("remove")}: ${p.name}`}>
                        {tk("remove")}
                      </Button>
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {supported ? (
        <form onSubmit={add} class="stack" noValidate>
          <TextField label={tk("name")} hint={tk("nameHint")} name="passkey-name" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {tk("add")}
          </Button>
        </form>
      ) : (
        <p class="muted">{tk("unsupported")}</p>
      )}
    </section>
  );
}
