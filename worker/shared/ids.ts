/** Random, URL-safe, sortable-enough ids: a time prefix keeps inserts index-friendly. */
export function newId(): string {
  return `${Date.now().toString(36)}${crypto.randomUUID().replace(/-/g, "").slice(0, 14)}`;
}
