// Shapes of the broadcasts API. The broadcast itself comes from the worker's schema module (types
// only, and that module depends on nothing but zod); the rest mirrors the README's API section.
export type {
  BroadcastCounts,
  BroadcastDetail,
  BroadcastKind,
  BroadcastStatus,
  BroadcastView,
  FailureReasonCount,
  TemplateRef,
} from "../../../worker/broadcasts/schemas";
export type { Timeline, TimelinePoint } from "../../../worker/shared/wire-types";

export interface AudienceEstimate {
  recipients: number;
  tier: number | "unlimited";
  usedLast24h: number;
  available: number | null;
  overTier: number;
  warning: string | null;
}

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

export interface TemplateOption {
  id: string;
  name: string;
  language: string;
  status: string;
  body: string;
  parameterCount: number;
}
