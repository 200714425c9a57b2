// Create or edit a channel. The server checks keyword clashes (409) and explains them.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Button, Dialog, StatusMessage, TextArea, TextField, errorText } from "../ui";
import { tc } from "./strings";
import type { Channel } from "./types";

interface Props {
  channel: Channel | "new" | null;
  nextPosition: number;
  onClose: () => void;
  onSaved: (channel: Channel) => void;
}

export function ChannelDialog({ channel, nextPosition, onClose, onSaved }: Props) {
  const editing = channel && channel !== "new" ? channel : null;
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [keyword, setKeyword] = useState("");
  const [defaultOn, setDefaultOn] = useState(false);
  const [isPublic, setIsPublic] = useState(false);
  const [position, setPosition] = useState("0");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!channel) return;
    setName(editing?.name ?? "");
    setDescription(editing?.description ?? "");
    setKeyword(editing?.keyword ?? "");
    setDefaultOn(editing?.defaultOn ?? false);
    setIsPublic(editing?.public ?? false);
    setPosition(String(editing?.position ?? nextPosition));
    setError(null);
  }, [channel]);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: name.trim(), description: description.trim(), keyword: keyword.trim(), defaultOn, public: isPublic, position: Number(position) || 0 };
    try {
      const res = editing
        ? await call(client.api.channels[":id"].$patch({ param: { id: editing.id }, json: body }))
        : await call(client.api.channels.$post({ json: body }));
      onSaved(res.channel);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={!!channel} title={editing ? tc("editChannel") : tc("newChannel")} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <TextField label={tc("name")} hint={tc("nameHint")} value={name} maxLength={60} required onInput={(e) => setName(e.currentTarget.value)} />
        <TextArea label={tc("description")} hint={tc("descriptionHint")} value={description} maxLength={300} rows={2} onInput={(e) => setDescription(e.currentTarget.value)} />
        <TextField label={tc("keyword")} hint={tc("keywordHint")} value={keyword} maxLength={30} pattern="[\p{L}\p{N}]*" autocomplete="off" onInput={(e) => setKeyword(e.currentTarget.value.toUpperCase())} />
        <label class="cz-check">
          <input type="checkbox" checked={defaultOn} onChange={(e) => setDefaultOn(e.currentTarget.checked)} />
          <span>
            {tc("defaultOnLabel")}
            <span class="field-hint">{tc("defaultOnHint")}</span>
          </span>
        </label>
        <label class="cz-check">
          <input type="checkbox" name="public" checked={isPublic} onChange={(e) => setIsPublic(e.currentTarget.checked)} />
          <span>
            {tc("publicLabel")}
            <span class="field-hint">{tc("publicHint")}</span>
            {isPublic && editing && (
              <span class="field-hint cz-feed-urls">
                {tc("publicFeeds")} <code>{`${location.origin}/feed/${editing.id}.atom`}</code> · <code>{`${location.origin}/anzeige`}</code>
              </span>
            )}
          </span>
        </label>
        <TextField label={tc("position")} hint={tc("positionHint")} type="number" min={0} max={10000} value={position} onInput={(e) => setPosition(e.currentTarget.value)} />
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        <div class="dialog-actions">
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {editing ? tc("save") : tc("create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
