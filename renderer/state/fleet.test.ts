import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { fleetPhase } from './fleet';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const base: FleetSnapshot = { file: '/f/fleet.yaml', loadedAt: 1, environments: [], hosts: [sampleHost()], problem: null, revision: 1 };
const problem = { file: '/f/fleet.yaml', line: 3, column: 5, message: 'YAML syntax: bad' };

describe('fleetPhase', () => {
  it('waits for the first snapshot', () => {
    expect(fleetPhase(null)).toBe('waiting');
  });
  it('says when there is no fleet file at all', () => {
    expect(fleetPhase({ ...base, file: null, loadedAt: null, hosts: [] })).toBe('no-file');
  });
  it('is broken only when nothing was ever loaded', () => {
    expect(fleetPhase({ ...base, loadedAt: null, hosts: [], problem })).toBe('broken');
    expect(fleetPhase({ ...base, problem })).toBe('loaded');
  });
  it('tells an empty fleet from a loaded one', () => {
    expect(fleetPhase({ ...base, hosts: [] })).toBe('empty');
    expect(fleetPhase(base)).toBe('loaded');
  });
});
