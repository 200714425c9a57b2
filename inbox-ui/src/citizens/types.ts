// Shapes of the channels & subscribers API (see README: "Channels, keywords and consent").
export type {
  ConsentAction,
  ConsentEventView as ConsentEvent,
  ConsentSource,
  SubscriberList,
  SubscriberSummary,
} from "../../../worker/shared/wire-types";
import type { ConsentEventView as ConsentEvent, SubscriberSummary } from "../../../worker/shared/wire-types";
export interface Channel {
  id: string;
  name: string;
  description: string;
  keyword: string | null;
  defaultOn: boolean;
  position: number;
  archived: boolean;
  subscriberCount: number;
}


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

export interface GrowthPoint {
  day: string;
  total: number;
  joined: number;
  left: number;
}

export interface SubscriberGrowth {
  days: string[];
  channels: { id: string; name: string; archived: boolean; points: GrowthPoint[] }[];
}

export type KeywordCommand = "subscribe" | "unsubscribe" | "menu" | "help";
export type KeywordConfig = Record<KeywordCommand, { de: string[]; en: string[] }>;
