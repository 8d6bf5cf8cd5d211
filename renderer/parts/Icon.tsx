import type { ReactNode } from 'react';

// Inline SVG icons (no icon font, nothing fetched: the page runs offline under a strict CSP).
// 16×16 grid, stroked with currentColor so they take the text colour.

export type IconName = 'fleet' | 'events' | 'terminal' | 'deploy' | 'releases' | 'search' | 'alert' | 'info' | 'file' | 'plug' | 'chevron' | 'bell' | 'run';

const PATHS: Record<IconName, ReactNode> = {
  fleet: (
    <>
      <rect x="2" y="2.5" width="12" height="4" rx="1" />
      <rect x="2" y="9.5" width="12" height="4" rx="1" />
      <path d="M4.5 4.5h.01M4.5 11.5h.01M7 4.5h4M7 11.5h4" />
    </>
  ),
  terminal: (
    <>
      <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
      <path d="M4.5 6l2 2-2 2M8 10.5h3.5" />
    </>
  ),
  deploy: <path d="M8 13.5V3M4 7l4-4 4 4M3 13.5h10" />,
  events: <path d="M1.5 8h3l2-5 3 10 2-5h3" />,
  run: <path d="M2.5 4.5l3 3.5-3 3.5M7 4h6.5M8 8h5.5M7 12h6.5" />,
  bell: <path d="M4 11V7a4 4 0 018 0v4l1.5 1.5h-11zM6.5 14h3" />,
  releases: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 5v3l2 1.5" />
    </>
  ),
  search: (
    <>
      <circle cx="7" cy="7" r="4.5" />
      <path d="M10.5 10.5L14 14" />
    </>
  ),
  alert: (
    <>
      <path d="M8 1.8L14.6 13.5H1.4z" />
      <path d="M8 6.2v3.3M8 11.6h.01" />
    </>
  ),
  info: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 7.3v4M8 4.8h.01" />
    </>
  ),
  file: (
    <>
      <path d="M4 1.5h5l3 3v10H4z" />
      <path d="M9 1.5v3h3M6 8h4M6 10.5h4" />
    </>
  ),
  plug: <path d="M6 1.5v3M10 1.5v3M4 4.5h8v3a4 4 0 01-8 0zM8 11.5v3" />,
  chevron: <path d="M6 4l4 4-4 4" />,
};

export function Icon({ name, className }: { name: IconName; className?: string }): ReactNode {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
