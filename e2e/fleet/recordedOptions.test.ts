import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordedOptions, recordOptions, upOptions } from './recordedOptions';

describe('fleet up on an existing dir', () => {
  it("keeps the demo's stages, addresses and interval when only --hosts is given", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-options-'));
    try {
      recordOptions(dir, { hosts: 5, dir, sampleApp: true, appStages: ['staging', 'production'], interval: '2s', onProgress: () => undefined });
      const options = upOptions({ hosts: 5 }, readRecordedOptions(dir));
      expect(options).toEqual({ hosts: 5, nodeExporter: true, sampleApp: true, appStages: ['staging', 'production'], interval: '2s' });
      // The dir's host count when none is given; a flag wins over the record.
      expect(upOptions({ nodeExporter: false }, readRecordedOptions(dir))).toMatchObject({ hosts: 5, nodeExporter: false, appStages: ['staging', 'production'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the defaults for a new dir', () => {
    expect(upOptions({}, null)).toEqual({ hosts: 3, nodeExporter: true, sampleApp: true });
  });
});
