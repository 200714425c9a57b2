// The tile server's attribution (MAP_ATTRIBUTION) is HTML like Leaflet's option. Leaflet puts it into
// innerHTML, so only text and http(s) links are kept; everything else is reduced to its text.

function copyTo(target: Node, source: Node): void {
  for (const node of Array.from(source.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.appendChild(document.createTextNode(node.textContent ?? ""));
    } else if (node instanceof Element && node.tagName === "A" && /^https?:\/\//i.test(node.getAttribute("href") ?? "")) {
      const a = document.createElement("a");
      a.href = node.getAttribute("href") ?? "";
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = node.textContent ?? "";
      target.appendChild(a);
    } else if (node instanceof Element && !["SCRIPT", "STYLE", "TEMPLATE"].includes(node.tagName)) {
      copyTo(target, node);
    }
  }
}

export function safeAttribution(html: string): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createElement("span");
  copyTo(out, parsed.body);
  return out.innerHTML;
}
