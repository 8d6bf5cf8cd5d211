import { useMemo } from 'react';
import { hostsByStage } from '../../../shared/deploy/stages';
import type { AppSummary } from '../../../shared/fleet/model';
import { useAppStore } from '../../state/react';

/** The app's hosts by stage, in its stage order; null for an app without stages. */
export function useStageHosts(app: AppSummary): Map<string, string[]> | null {
  const hosts = useAppStore((s) => s.snapshot?.hosts);
  return useMemo(() => (app.stages ? hostsByStage(app.stages, (hosts ?? []).filter((h) => app.hosts.includes(h.name))) : null), [app, hosts]);
}
