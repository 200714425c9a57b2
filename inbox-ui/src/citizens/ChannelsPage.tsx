// "Kanäle & Abonnenten": channels with counts and growth, the subscriber list, one subscriber.
// The shell lazy-loads this module and uses the named export `ChannelsPage`.
import { linkClick } from "../lib/router";
import { ChannelOverview } from "./ChannelOverview";
import { citizenPaths, citizenView } from "./paths";
import { tc } from "./strings";
import { SubscriberDetailView } from "./SubscriberDetail";
import { SubscriberList } from "./SubscriberList";
import "./citizens.css";

export function ChannelsPage() {
  const v = citizenView.value;
  const tab = v.view === "channels" ? "channels" : "subscribers";
  return (
    <section class="page-pad citizens" aria-labelledby="citizens-title">
      <div class="page-head">
        <h1 id="citizens-title">{tc("title")}</h1>
      </div>
      <nav class="cz-tabs" aria-label={tc("title")}>
        <a href={citizenPaths.channels} onClick={linkClick} aria-current={tab === "channels" ? "page" : undefined}>
          {tc("tabChannels")}
        </a>
        <a href={citizenPaths.subscribers} onClick={linkClick} aria-current={tab === "subscribers" ? "page" : undefined}>
          {tc("tabSubscribers")}
        </a>
      </nav>
      {v.view === "channels" && <ChannelOverview />}
      {v.view === "subscribers" && <SubscriberList initialChannel={v.channel} />}
      {v.view === "subscriber" && <SubscriberDetailView id={v.id} />}
    </section>
  );
}
