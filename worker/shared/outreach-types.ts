// Shapes of the outreach API shared by the worker and inbox-ui (docs/outreach-and-answers.md).
import type { ReportStatus } from "./wire-types";

export interface PanelMessage {
  id: string;
  direction: "in" | "out";
  text: string | null;
  type: string;
  sentAt: number;
  /** Sent automatically (bot, status news): not by a clerk. */
  automatic: boolean;
}

export interface PanelConversation {
  id: string;
  status: "open" | "resolved";
  createdAt: number;
  lastMessageAt: number;
  resolvedAt: number | null;
  report: { category: string; status: ReportStatus } | null;
  /** The last messages to and from the citizen (no notes), oldest first. */
  lastMessages: PanelMessage[];
}

export interface CitizenPanel {
  citizen: {
    id: string;
    name: string | null;
    waId: string | null;
    userId: string | null;
    createdAt: number;
    lastInboundAt: number | null;
    erased: boolean;
  };
  channels: { channelId: string; channelName: string; active: boolean; since: number }[];
  /** The newest consent actions first (at most 5). */
  consent: { action: string; channelName: string | null; source: string; at: number; reason: string | null }[];
  /** Whether the citizen's newest "leave everything" (STOP) is their latest consent action. */
  stopped: boolean;
  /** The conversation before this one (null: this is the first). */
  previousConversationId: string | null;
  /** Other conversations of the citizen, newest first. */
  conversations: PanelConversation[];
}
