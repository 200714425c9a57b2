// Shapes of the channels & subscribers API (see README: "Channels, keywords and consent").
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

export interface SubscriberSummary {
  id: string;
  name: string | null;
  waId: string | null;
  userId: string | null;
  locale: string;
  createdAt: number;
  lastInboundAt: number | null;
  channels: string[];
}

export interface SubscriberList {
  subscribers: SubscriberSummary[];
  nextCursor: string | null;
  counts: Record<string, number>;
  totalSubscribed: number;
}

export type ConsentAction = "subscribe" | "unsubscribe" | "unsubscribe_all" | "erase";
export type ConsentSource = "whatsapp_keyword" | "whatsapp_menu" | "widget_code" | "staff" | "meta_opt_out" | "system";

export interface ConsentEvent {
  id: number;
  channelId: string | null;
  channelName: string | null;
  action: ConsentAction;
  source: ConsentSource;
  messageWamid: string | null;
  staffId: string | null;
  staffName: string | null;
  createdAt: number;
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
