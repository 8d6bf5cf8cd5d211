import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../history/historyStore';
import { DeployRecords } from './deployRecords';

describe('DeployRecords', () => {
  it('records a deploy from start to end, and marks one left unfinished as interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-records-'));
    const store = await HistoryStore.open(dir, { maintainEveryMs: null });
    const records = new DeployRecords(store.db);
    const base = { app: 'shop', kind: 'deploy' as const, ref: 'main', user: 'alice', machine: 'laptop', hosts: ['a', 'b'] };
    const done = records.start({ ...base, release: '20261123000001' }, 1000);
    records.finish(done, 'succeeded', 'live on 2 hosts', [{ host: 'a', step: 'switch', state: 'ok', ms: 12, output: '' }], 2000);
    records.start({ ...base, release: '20261123000002' }, 3000);
    expect(records.markInterrupted(4000)).toBe(1);
    const list = records.list('shop');
    expect(list.map((r) => [r.release, r.outcome])).toEqual([
      ['20261123000002', 'interrupted'],
      ['20261123000001', 'succeeded'],
    ]);
    expect(list[1]).toMatchObject({ user: 'alice', machine: 'laptop', startedAt: 1000, finishedAt: 2000, hosts: ['a', 'b'], steps: [{ host: 'a', step: 'switch' }] });
    // A promotion says from which stage, and the revision its hosts prepared.
    const promoted = records.start({ ...base, release: '20261123000001', stage: 'production', promotedFrom: 'staging', revision: 'abc' }, 5000);
    records.setRevision(done, 'def');
    expect(records.get(promoted)).toMatchObject({ stage: 'production', promotedFrom: 'staging', revision: 'abc' });
    expect(records.get(done)).toMatchObject({ stage: null, promotedFrom: null, revision: 'def' });
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});
