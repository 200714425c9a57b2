// Shapes of the broadcasts API. The broadcast itself comes from the worker's schema module (types
// only, and that module depends on nothing but zod); the rest mirrors the README's API section.
export type {
  BroadcastCounts,
  BroadcastDelivery,
  BroadcastDetail,
  BroadcastEstimate,
  BroadcastFailure,
  BroadcastKind,
  BroadcastStatus,
  BroadcastView,
  CostEstimate,
  FailureReasonCount,
  TemplatePrices,
} from "../../../worker/broadcasts/schemas";
export type { TemplateRef } from "../../../worker/templates/schema";
export type { RecommendedTemplate, TemplateListItem, TemplateStatus, Timeline, TimelinePoint, WebhookRejectView } from "../../../worker/shared/wire-types";
import type { BroadcastEstimate } from "../../../worker/broadcasts/schemas";
import type { TemplateListItem } from "../../../worker/shared/wire-types";

/** GET /api/broadcasts/estimate (reach, tier, the 24-hour split and the cost). */
export type AudienceEstimate = BroadcastEstimate;

export interface DeadLetterView {
  id: number;
  queue: string;
  createdAt: number;
  summary: string;
  broadcast: { id: string; title: string } | null;
}


export interface ChannelOption {
  id: string;
  name: string;
  archived: boolean;
  subscriberCount: number;
}

/** A template as GET /api/templates lists it. */
export type TemplateOption = TemplateListItem;
