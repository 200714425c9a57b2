// Sub-pages under /kanaele: the channel overview, the subscriber list and one subscriber.
import { computed } from "@preact/signals";
import { path, routes } from "../lib/router";

export const citizenPaths = {
  channels: routes.channels,
  subscribers: `${routes.channels}/abonnenten`,
  subscriber: (id: string) => `${routes.channels}/abonnenten/${encodeURIComponent(id)}`,
};

export type CitizenView = { view: "channels" } | { view: "subscribers"; channel: string | null } | { view: "subscriber"; id: string };

export const citizenView = computed<CitizenView>(() => {
  const p = path.value;
  const one = /^\/kanaele\/abonnenten\/([^/?#]+)/.exec(p);
  if (one?.[1]) return { view: "subscriber", id: decodeURIComponent(one[1]) };
  if (p.startsWith(citizenPaths.subscribers)) {
    const query = p.includes("?") ? p.slice(p.indexOf("?")) : location.search;
    const channel = new URLSearchParams(query).get("kanal");
    return { view: "subscribers", channel };
  }
  return { view: "channels" };
});
