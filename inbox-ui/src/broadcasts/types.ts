// Shapes of the broadcasts API, all from the server (type-only imports).
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

export type { DeadLetterView } from "../../../worker/broadcasts/dead-letters";
export type { ChannelWithCount as ChannelOption } from "../../../worker/shared/wire-types";

/** A template as GET /api/templates lists it. */
export type TemplateOption = TemplateListItem;
