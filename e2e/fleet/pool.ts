// Bounded parallelism: hundreds of hosts start in parallel, but only `limit` at a time, so the
// machine is not asked to fork a thousand daemons in one instant.

/**
 * Runs task over items with at most `limit` in flight. On the first failure no new task starts;
 * tasks already running are awaited (so their pids are recorded) and then the first error is thrown.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
