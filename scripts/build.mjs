// Builds the staff app (inbox-ui) and the sign-up widget into dist/public, served as static assets.
import { existsSync, mkdirSync } from "node:fs";
import { build } from "vite";

mkdirSync("dist/public", { recursive: true });
for (const part of ["inbox-ui", "widget"]) {
  const config = `${part}/vite.config.ts`;
  if (!existsSync(config)) continue;
  await build({ configFile: config, logLevel: process.env.CI ? "warn" : "info" });
}
