import type { ReactNode } from 'react';
import { Banner } from '../../parts/Banner';
import { plural, since } from '../../parts/format';
import { useAppStore } from '../../state/react';

// A source that answers for the whole fleet (a Prometheus) and does not answer: one banner for
// it, rather than every host it serves turning red with the same reason. Its hosts keep what it
// said last, hatched as stale.

export function SourceProblemBanners(): ReactNode {
  const problems = useAppStore((s) => s.sourceProblems);
  return problems.map((p) => (
    <Banner
      key={p.url}
      tone="critical"
      testId="source-problem"
      title={
        <>
          Prometheus at <span className="mono">{p.url}</span>: <span className="banner-message">{p.message}</span>
        </>
      }
    >
      No fresh status for the {plural(p.hosts, 'host')} it serves for {since(p.since)}: they show what it said last, as stale.
    </Banner>
  ));
}
