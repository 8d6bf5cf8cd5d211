import { productionHosts } from '../../state/pickHosts';
import { useAppStore } from '../../state/react';

/** The name of the production environment that some of `hostNames` are in (what the user must
 * type before a deploy, rollback, resume or undo touches them), or null when none is production. */
export function useProductionName(hostNames: readonly string[]): string | null {
  return useAppStore((s) => {
    const hosts = (s.snapshot?.hosts ?? []).filter((h) => hostNames.includes(h.name));
    return productionHosts(hosts)[0]?.environment ?? null;
  });
}
