// The part of the configuration auth needs. Picked from the one schema in env.ts, so login works
// even before the WhatsApp variables are set.
import { configSchema, ConfigError, type Env } from "../env";

const authConfigSchema = configSchema.pick({ ADMIN_EMAIL: true, ADMIN_PASSWORD: true, SESSION_TTL_HOURS: true });
export type AuthConfig = ReturnType<typeof authConfigSchema.parse>;

const cache = new WeakMap<Env, AuthConfig>();

export function getAuthConfig(env: Env): AuthConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = authConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
