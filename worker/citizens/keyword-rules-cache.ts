// Per-isolate cache of the keyword rules (configured keywords + channel keywords) for the webhook's
// keyword filter. Writers in this isolate clear it; other isolates follow within CACHE_MS.
import type { ChannelKeyword, KeywordConfig } from "./keywords";

export const CACHE_MS = 30_000;

export interface KeywordRules {
  keywords: KeywordConfig;
  channels: ChannelKeyword[];
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
