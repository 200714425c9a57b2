// The team's Textbausteine, loaded once per page view and refreshed after changes.
import { signal } from "@preact/signals";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { errorText } from "../ui";
import type { Snippet } from "./snippet-fill";

export const snippets = signal<Snippet[] | null>(null);
export const snippetsError = signal<string | null>(null);

export async function loadSnippets(): Promise<void> {
  snippetsError.value = null;
  try {
    snippets.value = (await call(client.api.snippets.$get())).snippets;
  } catch (err) {
    snippetsError.value = errorText(err);
  }
}

export async function saveSnippet(id: string | null, input: { title: string; body: string }): Promise<Snippet> {
  const { snippet } = id
    ? await call(client.api.snippets[":id"].$put({ param: { id }, json: input }))
    : await call(client.api.snippets.$post({ json: input }));
  await loadSnippets();
  return snippet;
}

export async function removeSnippet(id: string): Promise<void> {
  await call(client.api.snippets[":id"].$delete({ param: { id } }));
  await loadSnippets();
}
