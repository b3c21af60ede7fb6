/**
 * The 1F1B makespan of a heterogeneous pipeline without the general simulator's timeline: the
 * pipeline search times thousands of candidates (issue #13), and simulateSchedule allocates an
 * object per action (2·pp·m of them, ~160k for 80 stages × 1,024 micro-batches).
 *
 * Same algorithm and arithmetic as schedule/simulate.ts on generateOneFOneB's lists with zero p2p
 * delays (the hetero evaluation folds p2p into the passes): stage s runs w_s = min(pp − s − 1, m)
 * warm-up forwards, then F(w_s + i), B(i) alternately, then the remaining backwards; an action
 * starts at max(its rank's free time, the end of each dependency) — F(s, mb) after F(s − 1, mb),
 * B(s, mb) after F(s, mb) and B(s + 1, mb) — and lasts F_s or (I_s + W_s). Every start is that
 * maximum in whatever order the ranks are advanced, so the makespan is bit-identical to
 * simulateSchedule's (test/hetero/one-f-one-b-timing.test.ts compares them).
 */

export interface OneFOneBPasses {
  /** Per stage: forward seconds per micro-batch. */
  readonly forwardSeconds: readonly number[];
  /** Per stage: input-gradient seconds per micro-batch. */
  readonly backwardInputSeconds: readonly number[];
  /** Per stage: weight-gradient seconds per micro-batch. */
  readonly backwardWeightSeconds: readonly number[];
}

export interface OneFOneBTiming {
  readonly makespanSeconds: number;
  /** Per stage: peak micro-batches alive (F started, B not finished): min(pp − s, m). */
  readonly peakInFlightMicroBatches: readonly number[];
}

/** Action k of stage s's list: micro-batch index, negated minus one for a backward. */
function actionAt(k: number, warmup: number, m: number): number {
  if (k < warmup) return k;
  const steady = m - warmup;
  const j = k - warmup;
  if (j < 2 * steady) return j % 2 === 0 ? warmup + j / 2 : -1 - (j - 1) / 2;
  return -1 - (steady + j - 2 * steady);
}

/**
 * Makespan (seconds) of 1F1B over `m` micro-batches with per-stage pass times (see the file
 * comment). Cost O(pp·m) with typed arrays only.
 */
export function oneFOneBTiming(passes: OneFOneBPasses, m: number): OneFOneBTiming {
  const pp = passes.forwardSeconds.length;
  const endF = new Float64Array(pp * m).fill(Number.NaN);
  const endB = new Float64Array(pp * m).fill(Number.NaN);
  const next = new Int32Array(pp);
  const free = new Float64Array(pp);
  // A parked stage waits on one micro-batch: F of stage s − 1 or B of stage s + 1 (−1 = none).
  const waitF = new Int32Array(pp).fill(-1);
  const waitB = new Int32Array(pp).fill(-1);
  const stack: number[] = [];
  for (let s = pp - 1; s >= 0; s--) stack.push(s);
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    const warmup = Math.min(pp - s - 1, m);
    const f = passes.forwardSeconds[s] ?? 0;
    const b = (passes.backwardInputSeconds[s] ?? 0) + (passes.backwardWeightSeconds[s] ?? 0);
    for (let k = next[s] ?? 0; k < 2 * m; k++) {
      const a = actionAt(k, warmup, m);
      let start = free[s] ?? 0;
      if (a >= 0) {
        const dep = s > 0 ? (endF[(s - 1) * m + a] ?? 0) : 0;
        if (Number.isNaN(dep)) {
          waitF[s] = a;
          next[s] = k;
          break;
        }
        start = Math.max(start, dep);
        const end = start + f;
        endF[s * m + a] = end;
        free[s] = end;
        if (s + 1 < pp && waitF[s + 1] === a) {
          waitF[s + 1] = -1;
          stack.push(s + 1);
        }
      } else {
        const mb = -1 - a;
        const dep = s + 1 < pp ? (endB[(s + 1) * m + mb] ?? 0) : 0;
        if (Number.isNaN(dep)) {
          waitB[s] = mb;
          next[s] = k;
          break;
        }
        start = Math.max(start, endF[s * m + mb] ?? 0, dep);
        const end = start + b;
        endB[s * m + mb] = end;
        free[s] = end;
        if (s > 0 && waitB[s - 1] === mb) {
          waitB[s - 1] = -1;
          stack.push(s - 1);
        }
      }
      if (k === 2 * m - 1) next[s] = 2 * m;
    }
  }
  let makespanSeconds = 0;
  for (let s = 0; s < pp; s++) {
    if ((next[s] ?? 0) < 2 * m) throw new Error(`1F1B timing: stage ${s} never finished`);
    makespanSeconds = Math.max(makespanSeconds, free[s] ?? 0);
  }
  return {
    makespanSeconds,
    peakInFlightMicroBatches: Array.from({ length: pp }, (_, s) => Math.min(pp - s, m)),
  };
}
