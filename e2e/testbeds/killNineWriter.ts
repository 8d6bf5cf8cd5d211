// The writer killed by killNine.int.test.ts: one history batch every 50 ms, printing each batch's
// number once its transaction has committed.
import { HistoryStore } from '../../electron/core/history/historyStore';

const store = await HistoryStore.open(process.argv[2]!, { maintainEveryMs: null });
let batch = 0;
setInterval(() => {
  batch++;
  const at = Date.now();
  store.writeSamples(Array.from({ length: 200 }, (_, i) => ({ host: `host-${Math.floor(i / 10)}`, at, metric: `m${i % 10}`, value: batch })));
  process.stdout.write(`${batch}\n`);
}, 50);
