import v8 from 'node:v8';

// Polling 1,000 hosts promotes a few MB a second of short-lived answers into V8's old
// generation. With V8's default heap growing (up to 4× the live size before a full collection)
// the heap swung between 30 and 130 MB and the process held 250–290 MB; a growing factor of 2
// keeps it near 160 MB for about half a percent of a core more (docs/benchmarks.md, "Polling").
// The flag is read at every collection, so setting it after start-up takes effect.
let tuned = false;

export function tuneHeapForPolling(): void {
  if (tuned) return;
  tuned = true;
  v8.setFlagsFromString('--heap-growing-percent=100');
}
