// Shapes of the channels & subscribers API, all from the server (type-only imports).
export type {
  ConsentAction,
  ConsentEventView as ConsentEvent,
  ConsentSource,
  ChannelWithCount as Channel,
  GrowthPoint,
  SubscriberGrowth,
  SubscriberList,
  SubscriberSummary,
} from "../../../worker/shared/wire-types";
import type { InferResponseType } from "hono/client";
import type { client } from "../lib/client";
export type { SubscriptionView as Subscription } from "../../../worker/citizens/subscriptions";
export type { KeywordConfig } from "../../../worker/citizens/keywords/rule";
import type { KeywordConfig } from "../../../worker/citizens/keywords/rule";
export type KeywordCommand = keyof KeywordConfig;

/** GET /api/subscribers/:id */
export type SubscriberDetail = InferResponseType<(typeof client.api.subscribers)[":id"]["$get"], 200>;
