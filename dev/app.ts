// The dev Worker's own routes, all under /__dev (dev/index.ts passes everything else to the product).
import { Hono } from "hono";
import type { Env } from "./env";
import { devRoutes } from "./routes";

export const devApp = new Hono<{ Bindings: Env }>().route("/__dev", devRoutes);
