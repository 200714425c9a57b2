// Shapes of the channels & subscribers API (see README: "Channels, keywords and consent").
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
import type { ConsentEventView as ConsentEvent, SubscriberSummary } from "../../../worker/shared/wire-types";
export interface Subscription {
  channelId: string;
  channelName: string;
  active: boolean;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SubscriberDetail {
  subscriber: SubscriberSummary & { erasedAt: number | null };
  subscriptions: Subscription[];
  consent: ConsentEvent[];
  conversations: { id: string; status: "open" | "resolved"; lastMessageAt: number; createdAt: number }[];
}

export type KeywordCommand = "subscribe" | "unsubscribe" | "menu" | "help";
export type KeywordConfig = Record<KeywordCommand, { de: string[]; en: string[] }>;
