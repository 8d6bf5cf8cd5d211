import { useEffect } from 'react';
import { isMacPlatform } from '../parts/Kbd';
import { useAppStore, useAppStoreApi } from '../state/react';
import { hashForView, VIEWS, viewForChord, viewFromHash } from '../state/ui';

// The shell's window-wide behaviour: keyboard shortcuts, the view in the URL's hash (so a reload
// and the back button keep the place), and the window title.

export const SEARCH_INPUT_ID = 'host-search';

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** Ctrl/Cmd+1..6 switch views; "/" jumps to the host search; Escape closes a host's page. */
export function useViewShortcuts(): void {
  const store = useAppStoreApi();
  useEffect(() => {
    const mac = isMacPlatform();
    const onKey = (e: KeyboardEvent): void => {
      const chosen = viewForChord(e, mac);
      if (chosen) {
        e.preventDefault();
        store.getState().showView(chosen);
        return;
      }
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isEditable(e.target)) {
        e.preventDefault();
        document.getElementById(SEARCH_INPUT_ID)?.focus();
        return;
      }
      // Escape leaves a host's page for the fleet, as its "← Fleet" button does. Not from a text
      // field (a terminal is one: Escape belongs to the shell there) and not when something else,
      // a dialog or the palette, took it first.
      const { view, openHost, showHost } = store.getState();
      if (e.key === 'Escape' && !e.defaultPrevented && view === 'fleet' && openHost !== null && !isEditable(e.target)) showHost(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

export function useViewHash(): void {
  const store = useAppStoreApi();
  const view = useAppStore((s) => s.view);
  useEffect(() => {
    const onHash = (): void => store.getState().showView(viewFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [store]);
  useEffect(() => {
    const hash = hashForView(view);
    if (window.location.hash !== hash) window.location.hash = hash;
  }, [view]);
}

export function useDocumentTitle(): void {
  const view = useAppStore((s) => s.view);
  const disconnected = useAppStore((s) => s.connection.status === 'disconnected');
  const label = VIEWS.find((v) => v.id === view)?.label ?? '';
  useEffect(() => {
    document.title = `${disconnected ? '(reconnecting) ' : ''}${label} · Fleetdeck`;
  }, [label, disconnected]);
}

/** While shells are open, leaving or reloading the page asks first: a reload closes every shell
 * (their sessions end with the page's connection). */
export function useLeaveWarning(): void {
  const shells = useAppStore((s) => s.tabs.length);
  useEffect(() => {
    if (shells === 0) return;
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      // Older Chromium (and Electron) ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [shells]);
}
