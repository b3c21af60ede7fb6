/**
 * Einsum-style dim labels per op (as Alpa derives strategies from the einsum of a dot/conv,
 * OSDI'22 §4.1). Every tensor dim of an op gets a label; dims with the same label are the same
 * loop index. Sharding a label on mesh axes shards every dim carrying it. A sharded label absent
 * from the output is a contraction (the output is a partial sum: all-reduce). Labels not listed in
 * `shardable` stay replicated (halo dims of conv, the normalised dim of a norm, a softmax axis).
 */
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';

export interface OpLabels {
  readonly inputs: readonly (readonly string[])[];
  readonly output: readonly string[];
  /** Labels that may be sharded, in a stable order. */
  readonly shardable: readonly string[];
  /** Extra divisibility: a shard count of this label must divide this number (attention heads). */
  readonly divides: Readonly<Record<string, number>>;
}

const fresh = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function shapes(graph: OperatorGraph, node: OperatorNode): (readonly number[])[] {
  return node.inputs.map((t) => graph.tensors[t]?.shape ?? []);
}

function matmulLabels(ins: (readonly number[])[], batched: boolean): OpLabels {
  const a = ins[0] ?? [];
  const lead = fresh('d', a.length - (batched ? 2 : 1));
  const aLabels = batched ? [...lead, 'm', 'k'] : [...lead, 'k'];
  const bLabels = batched ? [...lead, 'k', 'n'] : ['k', 'n'];
  const inputs = [aLabels, bLabels, ...(ins.length > 2 ? [['n']] : [])];
  const output = batched ? [...lead, 'm', 'n'] : [...lead, 'n'];
  const first = lead[0] ?? 'm';
  return { inputs, output, shardable: [first, 'k', 'n'], divides: {} };
}

function elementwiseLabels(
  ins: (readonly number[])[],
  outRank: number,
  outShape: readonly number[],
  shardable: string[],
): OpLabels {
  const out = fresh('d', outRank);
  const inputs = ins.map((s, k) =>
    s.map((size, i) => {
      const j = outRank - s.length + i;
      return size === (outShape[j] ?? -1) ? (out[j] as string) : `x${k}_${i}`;
    }),
  );
  return { inputs, output: out, shardable: shardable.filter((l) => out.includes(l)), divides: {} };
}

function normLabels(ins: (readonly number[])[]): OpLabels {
  const x = fresh('d', (ins[0] ?? []).length);
  const h = x[x.length - 1] as string;
  return {
    inputs: [x, ...ins.slice(1).map(() => [h])],
    output: x,
    shardable: x.length > 1 ? ['d0'] : [],
    divides: {},
  };
}

function reduceLabels(node: OperatorNode, x: readonly number[]): OpLabels {
  const labels = fresh('d', x.length);
  const raw = node.attributes['axes'];
  const axes = (Array.isArray(raw) ? (raw as readonly number[]) : [x.length - 1]).map((a) =>
    a < 0 ? a + x.length : a,
  );
  const keep = node.attributes['keepdims'] === true;
  const output = labels.flatMap((l, i) => (axes.includes(i) ? (keep ? [`one${i}`] : []) : [l]));
  return {
    inputs: [labels],
    output,
    shardable: ['d0', labels[labels.length - 1] as string],
    divides: {},
  };
}

function reshapeLabels(x: readonly number[], out: readonly number[]): OpLabels {
  const shared = x[0] !== undefined && x[0] === out[0];
  const inputs = [x.map((_, i) => (i === 0 && shared ? 'b' : `i${i}`))];
  const output = out.map((_, i) => (i === 0 && shared ? 'b' : `o${i}`));
  return { inputs, output, shardable: shared ? ['b'] : [], divides: {} };
}

function transposeLabels(node: OperatorNode, x: readonly number[]): OpLabels {
  const labels = fresh('d', x.length);
  const raw = node.attributes['perm'];
  const perm: readonly number[] = Array.isArray(raw)
    ? (raw as readonly number[])
    : labels.map((_, i) => x.length - 1 - i);
  return {
    inputs: [labels],
    output: perm.map((p) => labels[p] as string),
    shardable: ['d0', labels[labels.length - 1] as string],
    divides: {},
  };
}

function concatLabels(node: OperatorNode, ins: (readonly number[])[]): OpLabels {
  const rank = (ins[0] ?? []).length;
  const rawAxis = node.attributes['axis'];
  const axis = typeof rawAxis === 'number' ? (rawAxis < 0 ? rawAxis + rank : rawAxis) : 0;
  const base = fresh('d', rank);
  const inputs = ins.map((_, k) => base.map((l, i) => (i === axis ? `cat${k}` : l)));
  const output = base.map((l, i) => (i === axis ? 'catOut' : l));
  return {
    inputs,
    output,
    shardable: ['d0', base[rank - 1] as string].filter((l) => l !== `d${axis}`),
    divides: {},
  };
}

/** Dim labels of one op (see file comment). */
export function opLabels(graph: OperatorGraph, node: OperatorNode): OpLabels {
  const ins = shapes(graph, node);
  const out = graph.tensors[node.outputs[0] ?? '']?.shape ?? [];
  const x = ins[0] ?? [];
  const last = `d${out.length - 1}`;
  switch (node.op) {
    case 'matmul':
    case 'linear':
      return matmulLabels(ins, false);
    case 'batched-matmul':
      return matmulLabels(ins, true);
    case 'attention': {
      const heads = node.attributes['numHeads'];
      const qkv = [
        ['b', 's', 'h'],
        ['b', 't', 'h'],
        ['b', 't', 'h'],
      ];
      return {
        inputs: qkv,
        output: ['b', 's', 'h'],
        shardable: ['b', 'h'],
        divides: { h: typeof heads === 'number' ? heads : 1 },
      };
    }
    case 'conv2d':
      return {
        inputs: [['n', 'c', 'y', 'x'], ['o', 'c', 'ky', 'kx'], ...(ins.length > 2 ? [['o']] : [])],
        output: ['n', 'o', 'y2', 'x2'],
        shardable: ['n', 'o', 'c'],
        divides: {},
      };
    case 'layernorm':
    case 'rmsnorm':
      return normLabels(ins);
    case 'softmax':
      return elementwiseLabels(
        ins,
        out.length,
        out,
        out.length > 2 ? ['d0', 'd1'] : out.length > 1 ? ['d0'] : [],
      );
    case 'relu':
    case 'gelu':
    case 'silu':
    case 'add':
    case 'mul':
      return elementwiseLabels(ins, out.length, out, ['d0', last]);
    case 'embedding': {
      const ids = fresh('d', x.length);
      return {
        inputs: [ids, ['v', 'h']],
        output: [...ids, 'h'],
        shardable: ['d0', 'v', 'h'],
        divides: {},
      };
    }
    case 'reduce':
      return reduceLabels(node, x);
    case 'reshape':
      return reshapeLabels(x, out);
    case 'transpose':
      return transposeLabels(node, x);
    case 'concat':
      return concatLabels(node, ins);
  }
}
