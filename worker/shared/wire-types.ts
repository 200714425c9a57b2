// Shapes the staff API sends that the staff app reads too: types and constants only, no imports,
// so the worker and inbox-ui share one definition.

export const CONSENT_ACTIONS = ["subscribe", "unsubscribe", "unsubscribe_all", "erase"] as const;
export const CONSENT_SOURCES = ["whatsapp_keyword", "whatsapp_menu", "widget_code", "staff", "meta_opt_out", "system"] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface ConsentEventView {
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

export interface SubscriberSummary {
  id: string;
  name: string | null;
  waId: string | null;
  userId: string | null;
  locale: string;
  createdAt: number;
  lastInboundAt: number | null;
  /** Active subscriptions (channel ids). */
  channels: string[];
}

export interface SubscriberList {
  subscribers: SubscriberSummary[];
  nextCursor: string | null;
  /** Active subscribers per channel (erased citizens never count). */
  counts: Record<string, number>;
  /** Citizens with at least one active subscription. */
  totalSubscribed: number;
}

export interface TimelinePoint {
  /** Bucket start, epoch ms. */
  t: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
}

export interface Timeline {
  bucketMs: number;
  from: number | null;
  to: number | null;
  /** Per bucket, oldest first; buckets without events are included (zeros) so a chart can draw them. */
  points: TimelinePoint[];
  totals: { sent: number; delivered: number; read: number; failed: number };
}
