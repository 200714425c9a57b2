// The platform-limit guard (test/helpers/platform-limits.ts) catches what production would refuse,
// even when the code under test swallows the error.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { takeLimitViolations } from "./helpers/platform-limits";

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const values = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("platform-limit guard", () => {
  it("allows 100 bound parameters and flags 101, also inside a batch", async () => {
    await env.DB.prepare(`SELECT ${placeholders(100)}`).bind(...values(100)).all();
    expect(takeLimitViolations()).toEqual([]);
    await env.DB.batch([env.DB.prepare("SELECT 1"), env.DB.prepare(`SELECT ${placeholders(101)}`).bind(...values(101))]).catch(() => undefined);
    expect(takeLimitViolations()).toEqual([expect.stringContaining("binds 101 parameters")]);
  });

  it("flags a statement over 100,000 bytes", async () => {
    await env.DB.prepare(`SELECT 1 /* ${"ä".repeat(50_001)} */`).all().catch(() => undefined);
    expect(takeLimitViolations()).toEqual([expect.stringContaining("D1 statement of")]);
  });

  it("flags a queue sendBatch of 101 messages, even when the error is swallowed", async () => {
    const msgs = (n: number) => Array.from({ length: n }, (_, i) => ({ body: { type: "media.fetch", mediaId: `m${i}` } }));
    await env.JOBS_QUEUE.sendBatch(msgs(100));
    expect(takeLimitViolations()).toEqual([]);
    await env.JOBS_QUEUE.sendBatch(msgs(101)).catch(() => undefined);
    expect(takeLimitViolations()).toEqual([expect.stringContaining("sendBatch of 101 messages")]);
  });

  it("flags a queue message over 128 KB", async () => {
    await env.BROADCAST_QUEUE.send({ big: "x".repeat(130_000) }).catch(() => undefined);
    expect(takeLimitViolations()).toEqual([expect.stringContaining("Queue message of")]);
  });
});
