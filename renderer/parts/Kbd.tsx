import type { ReactNode } from 'react';

/** A key or chord as the user presses it: <Kbd keys={['Ctrl', '1']} />. */
export function Kbd({ keys }: { keys: readonly string[] }): ReactNode {
  return (
    <span className="kbd-chord">
      {keys.map((k) => (
        <kbd key={k}>{k}</kbd>
      ))}
    </span>
  );
}

/** Whether the page runs on a Mac, where shortcuts use Cmd instead of Ctrl. */
export function isMacPlatform(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
