// WhatsApp's text formatting for the preview: *bold*, _italic_, ~strikethrough~, ```monospace```
// and line breaks. Builds elements (never HTML strings), so whatever staff type stays text.
import type { ComponentChildren } from "preact";

const MARKS: Record<string, "strong" | "em" | "s" | "code"> = { "*": "strong", _: "em", "~": "s", "```": "code" };
// A marker opens at the start or after a non-word character and closes before the end or a non-word character.
const TOKEN = /(```[^`]+?```|\*[^*\n]+?\*|_[^_\n]+?_|~[^~\n]+?~)/;

function inline(text: string, key: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let rest = text;
  let i = 0;
  while (rest) {
    const m = TOKEN.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    const before = rest.slice(0, m.index);
    const after = rest.slice(m.index + m[0].length);
    const boundaryOk = (!before || /[\s\p{P}]$/u.test(before)) && (!after || /^[\s\p{P}]/u.test(after));
    if (!boundaryOk) {
      out.push(rest.slice(0, m.index + 1));
      rest = rest.slice(m.index + 1);
      continue;
    }
    if (before) out.push(before);
    const mark = m[0].startsWith("```") ? "```" : m[0][0]!;
    const Tag = MARKS[mark]!;
    const inner = m[0].slice(mark.length, m[0].length - mark.length);
    out.push(<Tag key={`${key}-${i++}`}>{Tag === "code" ? inner : inline(inner, `${key}-${i}`)}</Tag>);
    rest = after;
  }
  return out;
}

export function WhatsAppText({ text }: { text: string }) {
  const lines = text.split("\n");
  return (
    <>
      {lines.map((line, i) => (
        <span key={i}>
          {inline(line, String(i))}
          {i < lines.length - 1 && <br />}
        </span>
      ))}
    </>
  );
}
