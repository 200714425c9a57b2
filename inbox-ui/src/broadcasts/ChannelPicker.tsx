// Channel checkboxes with subscriber counts (the reach, split and cost follow in AudiencePanel).
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { StatusMessage, errorText, formatNumber } from "../ui";
import { tb } from "./strings";
import type { ChannelOption } from "./types";

export function ChannelPicker({
  selected,
  onChange,
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  const [channels, setChannels] = useState<ChannelOption[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(client.api.channels.$get())
      .then((r) => setChannels(r.channels.filter((c) => !c.archived || selected.includes(c.id))))
      .catch((err: unknown) => setError(errorText(err)));
  }, []);
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((x) => x !== id));

  return (
    <fieldset class="bc-fieldset" aria-describedby="bc-channels-hint">
      <legend>{tb("fieldChannels")}</legend>
      <p id="bc-channels-hint" class="field-hint">
        {tb("fieldChannelsHint")}
      </p>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      <ul class="bc-channels">
        {(channels ?? []).map((c) => (
          <li key={c.id}>
            <label class="radio">
              <input type="checkbox" name="channel" value={c.id} checked={selected.includes(c.id)} onChange={(e) => toggle(c.id, e.currentTarget.checked)} />
              <span>{c.name}</span>
              <span class="muted small">{tb("subscribers", { n: formatNumber(c.subscriberCount) })}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
