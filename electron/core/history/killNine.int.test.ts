import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { HistoryStore } from './historyStore';

// A console killed with SIGKILL in the middle of its writes loses at most the batch in flight:
// every batch it had committed is there when the history is opened again, and it opens cleanly.
it('survives kill -9 of the writer with every committed batch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-kill9-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../../e2e/testbeds/killNineWriter.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let committed = 0;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) if (line) committed = Number(line);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (committed >= 30) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 5);
    child.on('exit', (code) => code !== null && reject(new Error(`the writer exited with ${code}`)));
  });
  await new Promise((resolve) => child.on('close', resolve));

  const store = await HistoryStore.open(dir, { maintainEveryMs: null });
  const integrity = store.db.prepare('PRAGMA integrity_check').get();
  expect(integrity).toEqual({ integrity_check: 'ok' });
  const newest = Number(store.db.prepare('SELECT max(v) AS v FROM samples_raw').get()?.v);
  expect(newest).toBeGreaterThanOrEqual(committed);
  expect(newest).toBeLessThanOrEqual(committed + 1);
  // Whole batches only: the newest batch has all its 200 rows.
  expect(Number(store.db.prepare('SELECT count(*) AS n FROM samples_raw WHERE v = ?').get(newest)?.n)).toBe(200);
  store.dispose();
  rmSync(dir, { recursive: true, force: true });
});
