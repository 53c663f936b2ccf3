/**
 * Runs `task` on every item with at most `limit` running at once. After the
 * first failure no new task starts; the returned promise settles only once
 * every started task has settled (nothing keeps running behind the caller's
 * back), then rejects with that first failure.
 *
 * @param items - what to work on
 * @param limit - the most tasks in flight
 * @param task - the work for one item
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
}
