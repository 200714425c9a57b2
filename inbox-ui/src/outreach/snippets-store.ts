// The team's Textbausteine, loaded once per page view and refreshed after changes.
import { signal } from "@preact/signals";
import { api } from "../lib/api";
import { errorText } from "../ui";
import type { Snippet } from "./snippet-fill";

export const snippets = signal<Snippet[] | null>(null);
export const snippetsError = signal<string | null>(null);

export async function loadSnippets(): Promise<void> {
  snippetsError.value = null;
  try {
    snippets.value = (await api<{ snippets: Snippet[] }>("/api/snippets")).snippets;
  } catch (err) {
    snippetsError.value = errorText(err);
  }
}

export async function saveSnippet(id: string | null, input: { title: string; body: string }): Promise<Snippet> {
  const { snippet } = id
    ? await api<{ snippet: Snippet }>(`/api/snippets/${encodeURIComponent(id)}`, { method: "PUT", body: input })
    : await api<{ snippet: Snippet }>("/api/snippets", { method: "POST", body: input });
  await loadSnippets();
  return snippet;
}

export async function removeSnippet(id: string): Promise<void> {
  await api(`/api/snippets/${encodeURIComponent(id)}`, { method: "DELETE" });
  await loadSnippets();
}
