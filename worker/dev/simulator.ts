// Placeholder class so the binding exists; the simulator lives in worker/dev/ (local use only).
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class WhatsAppSimulator extends DurableObject<Env> {}
