/**
 * Repeated structure in an operator graph: a transformer exported layer by layer is one block of
 * ops repeated L times in the topological order. Finding the runs lets a stage DP or an intra-op
 * ILP cost one block and reuse it for the identical ones (Alpa, OSDI'22 §5.2, clusters a model
 * into layers before its DP for the same reason).
 *
 * Two nodes match when they have the same op, attributes, input/output shapes, dtypes and
 * parameter flags, and the same wiring relative to their position: an input produced `d < p`
 * nodes earlier (p = the block length) is recorded as that distance, anything further back (a mask
 * computed once, a graph input, a weight) as "outside". With that key k_p(i), a run of period p is
 * an interval [L, R) with k_p(i) = k_p(i + p) for L ≤ i < R − p; it holds ⌊(R − L)/p⌋ blocks.
 *
 * Candidate periods are the most frequent gaps between consecutive occurrences of equal node
 * signatures (every node of a block repeated c times contributes c − 1 gaps of exactly p), each
 * checked in O(n); runs are then taken greedily by nodes covered (ties: shorter period first),
 * without overlap.
 */
import type { OperatorGraph, OperatorNode, RepeatedBlock } from './types.js';

/** Periods tried (the most frequent signature gaps). */
const CANDIDATE_PERIODS = 16;
/** Fewest nodes in a reported block (a single repeated op is not structure). */
const MIN_BLOCK_NODES = 2;

/** FNV-1a over a string, two 32-bit lanes → 16 hex digits (a stable label, not security). */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function nodeSignature(graph: OperatorGraph, node: OperatorNode): string {
  const tensor = (t: string): string => {
    const s = graph.tensors[t];
    return s === undefined ? '?' : `${s.shape.join('x')}:${s.dtype}${s.parameter ? ':p' : ''}`;
  };
  const attrs = Object.keys(node.attributes)
    .sort()
    .map((k) => `${k}=${JSON.stringify(node.attributes[k])}`);
  return `${node.op}|${attrs.join(',')}|${node.inputs.map(tensor).join(',')}|${node.outputs.map(tensor).join(',')}`;
}

interface Prepared {
  readonly sig: readonly number[];
  /** Per node, the producing node index of each input (−1: not produced by a node). */
  readonly producers: readonly (readonly number[])[];
}

function prepare(graph: OperatorGraph): Prepared {
  const ids = new Map<string, number>();
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t, i)));
  const sig = graph.nodes.map((n) => {
    const s = nodeSignature(graph, n);
    const id = ids.get(s) ?? ids.size;
    ids.set(s, id);
    return id;
  });
  const producers = graph.nodes.map((n) => n.inputs.map((t) => producer.get(t) ?? -1));
  return { sig, producers };
}

/** The most frequent gaps between consecutive equal signatures. */
function candidatePeriods(sig: readonly number[]): number[] {
  const last = new Map<number, number>();
  const counts = new Map<number, number>();
  sig.forEach((s, i) => {
    const prev = last.get(s);
    if (prev !== undefined && i - prev >= MIN_BLOCK_NODES)
      counts.set(i - prev, (counts.get(i - prev) ?? 0) + 1);
    last.set(s, i);
  });
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, CANDIDATE_PERIODS)
    .map(([p]) => p);
}

/** Whether node i and node i + p have equal keys under period p. */
function sameUnderPeriod(g: Prepared, i: number, p: number): boolean {
  const j = i + p;
  if (g.sig[i] !== g.sig[j]) return false;
  const a = g.producers[i] ?? [];
  const b = g.producers[j] ?? [];
  return a.every((pa, k) => {
    const pb = b[k] ?? -1;
    const da = pa < 0 || i - pa >= p ? -1 : i - pa;
    const db = pb < 0 || j - pb >= p ? -1 : j - pb;
    return da === db;
  });
}

interface Run {
  readonly start: number;
  readonly period: number;
  readonly count: number;
}

/** Maximal runs of period p with at least two blocks. */
function runsOfPeriod(g: Prepared, p: number): Run[] {
  const n = g.sig.length;
  const runs: Run[] = [];
  let i = 0;
  while (i + p < n) {
    if (!sameUnderPeriod(g, i, p)) {
      i++;
      continue;
    }
    let end = i;
    while (end + p < n && sameUnderPeriod(g, end, p)) end++;
    const count = Math.floor((end - i + p) / p);
    if (count >= 2) runs.push({ start: i, period: p, count });
    i = end + 1;
  }
  return runs;
}

/**
 * Runs of identical consecutive blocks in `graph.nodes` (see file comment), disjoint, ordered
 * by first node. Deterministic: same graph, same answer.
 */
export function findRepeatedBlocks(graph: OperatorGraph): RepeatedBlock[] {
  const g = prepare(graph);
  const runs = candidatePeriods(g.sig).flatMap((p) => runsOfPeriod(g, p));
  runs.sort((x, y) => y.count * y.period - x.count * x.period || x.period - y.period);
  const used = new Uint8Array(g.sig.length);
  const chosen: Run[] = [];
  for (const run of runs) {
    const end = run.start + run.count * run.period;
    let free = true;
    for (let i = run.start; i < end && free; i++) free = used[i] === 0;
    if (!free) continue;
    used.fill(1, run.start, end);
    chosen.push(run);
  }
  chosen.sort((x, y) => x.start - y.start);
  return chosen.map((run) => {
    const block = graph.nodes.slice(run.start, run.start + run.period);
    const text = block
      .map((n, k) => {
        const wiring = (g.producers[run.start + k] ?? []).map((p) => {
          const d = run.start + k - p;
          return p < 0 || d >= run.period ? 'out' : String(d);
        });
        return `${nodeSignature(graph, n)}<${wiring.join(',')}`;
      })
      .join('\n');
    return {
      signature: hash(text),
      nodeCount: run.period,
      starts: Array.from({ length: run.count }, (_, k) => run.start + k * run.period),
    };
  });
}

/** The graph with its {@link findRepeatedBlocks} result attached. */
export function withRepeatedBlocks(graph: OperatorGraph): OperatorGraph {
  return { ...graph, repeatedBlocks: findRepeatedBlocks(graph) };
}
