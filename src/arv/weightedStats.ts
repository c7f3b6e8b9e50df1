/** Robust and weighted statistics for the sold-comps estimate. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median, scaled by 1.4826 so it estimates σ for normal data. */
export function scaledMad(values: readonly number[]): number {
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
}

/**
 * The weighted p-quantile (0–1): values sorted, each owning its weight centred on its place in the
 * cumulative weight, linearly interpolated between neighbours. Equal weights give the ordinary
 * median at p = 0.5.
 */
export function weightedQuantile(points: readonly { value: number; weight: number }[], p: number): number {
  const usable = points.filter((x) => Number.isFinite(x.value) && x.weight > 0).sort((a, b) => a.value - b.value);
  if (usable.length === 0) throw new RangeError('quantile of no weighted values');
  if (usable.length === 1) return usable[0]!.value;
  const total = usable.reduce((sum, x) => sum + x.weight, 0);
  const centres: number[] = [];
  let cumulative = 0;
  for (const x of usable) {
    centres.push((cumulative + x.weight / 2) / total);
    cumulative += x.weight;
  }
  if (p <= centres[0]!) return usable[0]!.value;
  for (let i = 1; i < usable.length; i++) {
    if (p <= centres[i]!) {
      const t = (p - centres[i - 1]!) / (centres[i]! - centres[i - 1]!);
      return usable[i - 1]!.value + t * (usable[i]!.value - usable[i - 1]!.value);
    }
  }
  return usable[usable.length - 1]!.value;
}

/**
 * Ordinary least squares with an intercept: the coefficients of `rows` (one array of predictors
 * each) against `y`, intercept last. Null when the system is singular (a predictor constant or a
 * copy of another).
 */
export function leastSquares(rows: readonly number[][], y: readonly number[]): number[] | null {
  const k = (rows[0]?.length ?? 0) + 1;
  if (rows.length < k) return null;
  const a: number[][] = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((row, r) => {
    const x = [...row, 1];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![k]! += x[i]! * y[r]!;
    }
  });
  // Gauss-Jordan with partial pivoting on the normal equations (k ≤ 5, so precision is plenty).
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    const scale = Math.max(...a.map((row) => Math.abs(row[col]!)));
    if (Math.abs(a[pivot]![col]!) <= 1e-9 * (scale || 1)) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}
