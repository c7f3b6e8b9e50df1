/** A sync repository in memory, for sync tests that do not need sql.js. */
export function memoryRepo<T extends { id: string }>() {
  const rows = new Map<string, T>();
  return {
    rows,
    upsertMany(list: T[]) {
      for (const row of list) rows.set(row.id, row);
    },
    pruneNotIn(_locationId: string, keep: Iterable<string>) {
      const keepSet = new Set(keep);
      let removed = 0;
      for (const id of [...rows.keys()]) if (!keepSet.has(id) && rows.delete(id)) removed++;
      return removed;
    },
  };
}
