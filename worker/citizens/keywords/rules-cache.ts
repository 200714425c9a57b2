// Per-isolate cache of the keyword rules (configured keywords + channel keywords) for the webhook's
// keyword filter. Writers in this isolate clear it; other isolates follow within CACHE_MS. The
// rules' version (bumped by database triggers on every change) travels with them, so a decision
// made with stale rules is caught in SQL when the message is stored (keyword-filter.ts).
import type { ChannelKeyword, KeywordConfig } from "./rule";

export const CACHE_MS = 30_000;

/** Settings row holding the keyword rules version (see migrations/*_inbound_order_sql.sql). */
export const RULES_VERSION_KEY = "citizens.keyword_rules_version";

export interface KeywordRules {
  keywords: KeywordConfig;
  channels: ChannelKeyword[];
  /** The version read before the rules (null before the first change). */
  version: string | null;
}

let cached: { at: number; rules: KeywordRules } | null = null;

export const keywordRulesCache = {
  get(now = Date.now()): KeywordRules | null {
    return cached && now - cached.at <= CACHE_MS ? cached.rules : null;
  },
  set(rules: KeywordRules): KeywordRules {
    cached = { at: Date.now(), rules };
    return rules;
  },
  clear(): void {
    cached = null;
  },
};
