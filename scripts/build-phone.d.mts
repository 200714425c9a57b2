/** Bundles dev/phone/client into dev/phone/build/assets.js; resolves to that file's path. */
export function buildPhonePage(): Promise<string>;
