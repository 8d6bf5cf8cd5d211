import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { hostMatches, searchTerms } from '../../state/fleetGroups';
import { useAppStore } from '../../state/react';

// Ctrl+K: type part of a host's name (or address, role, label) and Enter opens a shell on it.

export function useQuickOpenShortcut(): void {
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [setOpen]);
}

export function QuickOpen(): ReactNode {
  const open = useAppStore((s) => s.paletteOpen);
  const hosts = useAppStore((s) => s.snapshot?.hosts);
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  const openTerminal = useAppStore((s) => s.openTerminal);
  const [text, setText] = useState('');
  const [index, setIndex] = useState(0);
  const matches = useMemo(() => (hosts ?? []).filter((h) => hostMatches(h, searchTerms(text))).slice(0, 50), [hosts, text]);
  if (!open) return null;
  const pick = (name: string | undefined): void => {
    if (!name) return;
    setText('');
    setIndex(0);
    openTerminal(name);
  };
  return (
    <div className="palette-backdrop" onClick={() => setOpen(false)}>
      <div className="palette" role="dialog" aria-label="Open a shell" data-testid="quick-open" onClick={(e) => e.stopPropagation()}>
        <input
          className="input"
          autoFocus
          placeholder="Open a shell on… (name, address, role, label)"
          aria-label="Host"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
            else if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, matches.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') {
              // Without this the Enter's keypress lands in the new shell, which has the focus by
              // then, and runs an empty command there.
              e.preventDefault();
              pick(matches[index]?.name);
            }
          }}
        />
        <ul role="listbox">
          {matches.map((h, i) => (
            <li key={h.name} role="option" aria-selected={i === index} className={i === index ? 'palette-item palette-item-selected' : 'palette-item'} onMouseDown={() => pick(h.name)}>
              <strong>{h.name}</strong> <span className="muted mono">{h.address}</span> <span className="muted">{h.environment} · {h.roles.join(', ')}</span>
            </li>
          ))}
          {matches.length === 0 ? <li className="muted palette-item">No host matches.</li> : null}
        </ul>
      </div>
    </div>
  );
}
