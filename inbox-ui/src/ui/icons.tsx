// Small inline SVG icons (emoji fonts are not everywhere, e.g. on kiosk PCs). Decorative: aria-hidden.
const paths = {
  eye: "M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5Zm7 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
  pin: "M8 1a5 5 0 0 0-5 5c0 3.5 5 9 5 9s5-5.5 5-9a5 5 0 0 0-5-5Zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4Z",
  file: "M3 1h6l4 4v10H3V1Zm6 0v4h4",
  clock: "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3v4l3 2",
  warning: "M8 1 15 14H1L8 1Zm0 5v4m0 2v1",
  // Navigation (bottom bar on phones)
  inbox: "M1 9h4l1 2h4l1-2h4M2.5 2.5h11L15 9v4.5H1V9l1.5-6.5Z",
  flag: "M3 15V1.5m0 1h9.5l-2.5 3.5 2.5 3.5H3",
  megaphone: "M1.5 6v4h3l7 3.5v-11l-7 3.5h-3Zm3 4 1.5 4.5",
  bell: "M3.5 11.5V7a4.5 4.5 0 0 1 9 0v4.5l1.5 2H2l1.5-2ZM6.5 15h3",
  shield: "M8 1 2 3.5v4C2 11 4.7 13.8 8 15c3.3-1.2 6-4 6-7.5v-4L8 1Z",
  text: "M2 3h12M2 6.5h12M2 10h8M2 13.5h5",
  more: "M2 4h12M2 8h12M2 12h12",
  people: "M6 7.5a2.75 2.75 0 1 0 0-5.5 2.75 2.75 0 0 0 0 5.5ZM1 15c0-3 2.2-5 5-5s5 2 5 5m.5-12.8a2.75 2.75 0 0 1 0 5.1M13 10.3c1.3.8 2 2.4 2 4.7",
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, class: cls }: { name: IconName; class?: string }) {
  const filled = name === "eye" || name === "pin";
  return (
    <svg class={["icon", cls].filter(Boolean).join(" ")} viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill={filled ? "currentColor" : "none"} fill-rule="evenodd" stroke={filled ? "none" : "currentColor"} stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
