import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "**/.wrangler/", "test-artifacts/", "playwright-report/", "test-results/", "migrations/", "dev/phone/build/assets.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["scripts/**/*.mjs", "test/bench/**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", Buffer: "readonly", AbortSignal: "readonly", performance: "readonly", setInterval: "readonly", clearInterval: "readonly", WebSocket: "readonly" },
    },
  },
  {
    // The staff app reaches the API only through the typed client (lib/client.ts, `call`), so paths,
    // inputs and answers come from the server's routes (docs/api.md, "Types in the staff app").
    files: ["inbox-ui/src/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.name='fetch']", message: "Call the API through the typed client: call(client.api.….$get(…)) (lib/api.ts, lib/client.ts)." },
        { selector: "Literal[value=/^\\/api\\//]", message: "No hand-built API paths: use the typed client (client.api.…, or $path for a link)." },
        { selector: "TemplateElement[value.raw=/^\\/api\\//]", message: "No hand-built API paths: use the typed client (client.api.…, or $path for a link)." },
      ],
    },
  },
  {
    files: ["inbox-ui/pwa/**/*.js"],
    languageOptions: { globals: { self: "readonly", caches: "readonly", fetch: "readonly", URL: "readonly", Response: "readonly" } },
  },
);
