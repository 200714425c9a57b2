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
  /** When the citizen (or staff) acted; null on events logged before this was kept. */
  actedAt: number | null;
  /** Logged but not applied: a newer action had already decided the channel. */
  superseded: boolean;
  /** Staff re-subscribing after STOP: the citizen's new request in staff's words. */
  reason: string | null;
  /** When it was recorded. */
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

export const REPORT_STATUSES = ["neu", "in_bearbeitung", "erledigt"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ConversationSummary {
  id: string;
  status: "open" | "resolved";
  citizen: { id: string; name: string | null; waId: string | null; userId: string | null };
  assignee: { id: string; name: string } | null;
  unreadCount: number;
  lastMessageAt: number;
  lastMessagePreview: string | null;
  windowOpenUntil: number | null;
  report: { category: string; status: ReportStatus } | null;
}

export interface ReportDetail {
  category: string;
  status: ReportStatus;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  /** Staff-written summary for the public (Open311); never the citizen's words. */
  publicSummary: string | null;
  /** Conversation id of the report this one was merged into (it is then closed). */
  mergedInto: string | null;
}

export interface ConversationDetail extends Omit<ConversationSummary, "report"> {
  windowOpen: boolean;
  report: ReportDetail | null;
}

/** One entry of GET /api/reports (the map of incident reports). */
export interface ReportListItem {
  conversationId: string;
  citizenName: string | null;
  category: string;
  status: ReportStatus;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  updatedAt: number;
  /** The citizen's latest stored photo in this conversation (`/api/media/:id`), if any. */
  photoUrl: string | null;
}

export interface Channel {
  id: string;
  name: string;
  description: string;
  keyword: string | null;
  defaultOn: boolean;
  position: number;
  archived: boolean;
  /** Its broadcasts appear in the public feeds and on /anzeige (only when every target channel is public). */
  public: boolean;
}

export interface ChannelWithCount extends Channel {
  subscriberCount: number;
}

/** Subscribers of one channel on one Vienna day (GET /api/stats/subscriber-growth). */
export interface GrowthPoint {
  day: string;
  /** Subscribers at the end of the day. */
  total: number;
  joined: number;
  left: number;
}

export interface SubscriberGrowth {
  days: string[];
  channels: { id: string; name: string; archived: boolean; points: GrowthPoint[] }[];
}

export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** One message template (GET /api/templates). `components` is Meta's array as submitted or synced. */
export interface TemplateListItem {
  id: string;
  name: string;
  language: string;
  category: string;
  /** One of TEMPLATE_STATUSES (or "DELETED" when it vanished from Meta's list). */
  status: string;
  rejectedReason: string | null;
  body: string;
  components: unknown[];
  parameterCount: number;
  source: "meta" | "manual";
  updatedAt: number | null;
}

/** A template of the recommended set (GET /api/templates/recommended). */
export interface RecommendedTemplate {
  key: string;
  name: string;
  language: string;
  category: "UTILITY" | "MARKETING";
  components: unknown[];
  /** German: what it is for. */
  description: string;
  /** True once a template of this name and language exists (submitted or approved). */
  submitted: boolean;
}

/** GET /api/webhook-rejects: an unreadable part of a signed webhook, kept for admins (docs/inbound.md). */
export interface WebhookRejectView {
  id: string;
  path: string;
  reason: string;
  raw: string;
  createdAt: number;
}

/**
 * GET /api/public/widget-config: what the sign-up widget shows (no session). The widget (widget/)
 * imports this type too: it cannot import the Hono app's type (its build has no Workers types).
 */
export interface WidgetConfig {
  channels: { id: string; name: string; description: string; defaultOn: boolean; keyword: string | null }[];
  whatsappNumber: string;
  signupKeyword: string;
}

/** POST /api/public/signup-codes (201): a short code and how the citizen sends it on WhatsApp. */
export interface SignupCodeIssued {
  code: string;
  channels: string[];
  expiresAt: number;
  /** The message to send: sign-up word and code. */
  text: string;
  waLink: string;
  /** Path (on the Worker) of the QR code of `waLink`. */
  qrSvgUrl: string;
}
