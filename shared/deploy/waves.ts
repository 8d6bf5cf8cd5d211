// Which hosts a deploy switches in which wave. Waves are written as in the fleet file:
// `[1, "25%", "100%"]` — a count or a percentage of all the app's hosts, each wave reaching up to
// that many hosts in total. The first wave is the canary. Deterministic: the same hosts in the
// same order give the same waves, so a plan, a resume and a rollback agree.

export type WaveSpec = number | `${number}%`;

export function planWaves(hosts: readonly string[], specs: readonly WaveSpec[]): string[][] {
  const total = hosts.length;
  if (total === 0) return [];
  const targets = specs.map((spec) => {
    const n = typeof spec === 'number' ? spec : Math.ceil((total * Number(spec.slice(0, -1))) / 100);
    if (!Number.isFinite(n) || n < 1) throw new Error(`a wave of "${spec}" reaches no host`);
    return Math.min(total, n);
  });
  // The last wave always reaches every host.
  if (targets.length === 0 || targets[targets.length - 1]! < total) targets.push(total);
  const waves: string[][] = [];
  let done = 0;
  for (const target of targets) {
    if (target <= done) continue;
    waves.push(hosts.slice(done, target));
    done = target;
  }
  return waves;
}

/** A wave failed when more of its hosts failed than `maxFailures` allows (a count or "10%"). */
export function waveFailed(failed: number, waveSize: number, maxFailures: number | `${number}%`): boolean {
  const allowed = typeof maxFailures === 'number' ? maxFailures : Math.floor((waveSize * Number(maxFailures.slice(0, -1))) / 100);
  return failed > allowed;
}
