// One pacer for the whole phone number, shared by all queue consumers and broadcasts: a single
// Durable Object (named "main") that hands out send slots. The rules live in pace-schedule.ts; this
// class only keeps one schedule per object and persists it, so a restart cannot reset the
// spacing or forget an alert's priority.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { initialPacerState, PaceSchedule, type Grant, type PacerState, type TakeRequest } from "./pace-schedule";

export type { Grant, TakeRequest } from "./pace-schedule";

const KEY = "pacer";

export class Pacer extends DurableObject<Env> {
  private schedule: PaceSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.schedule = new PaceSchedule(ctx.storage.kv.get<PacerState>(KEY) ?? initialPacerState());
  }

  private save(): void {
    this.ctx.storage.kv.put(KEY, this.schedule.state);
  }

  /** Send slots for up to `want` messages (synchronous inside the object, so grants never overlap). */
  async take(req: TakeRequest): Promise<Grant> {
    const grant = this.schedule.take(Date.now(), req);
    this.save();
    return grant;
  }

  async prioritize(broadcastId: string, leaseMs?: number): Promise<void> {
    this.schedule.prioritize(Date.now(), broadcastId, leaseMs);
    this.save();
  }

  async release(broadcastId: string): Promise<void> {
    this.schedule.release(broadcastId);
    this.save();
  }

  /** Reports a rate-limit refusal from WhatsApp; returns whether the pacer slowed down. */
  async rateLimited(code: number): Promise<boolean> {
    const slowed = this.schedule.rateLimited(Date.now(), code);
    this.save();
    return slowed;
  }

  async snapshot(): Promise<{ state: PacerState; factor: number; alerts: string[] }> {
    const now = Date.now();
    return { state: this.schedule.state, factor: this.schedule.factorAt(now), alerts: this.schedule.activeAlerts(now) };
  }
}

export const PACER_NAME = "main";
export const pacerOf = (env: Pick<Env, "PACER">) => env.PACER.getByName(PACER_NAME);
