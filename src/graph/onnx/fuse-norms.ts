/**
 * Decomposed normalisations → one norm node. Exporters without a LayerNormalization op (opset
 * < 17, Paddle2ONNX, PyTorch's TorchScript exporter) write LayerNorm as
 *   μ = ReduceMean(x) · d = x − μ · v = ReduceMean(d²) · y = d / Sqrt(v + ε) [· γ + β]
 * and RMSNorm as y = x / Sqrt(ReduceMean(x²) + ε) [· γ], all over the last dim. Such a chain
 * becomes one `layernorm` / `rmsnorm` node reading x, γ, β, so the planner shards it as one norm;
 * its cost is the sum of the fused nodes' (the same FLOPs), its bytes those of the fused node.
 * A chain whose intermediate values are read elsewhere is left as it is.
 * @see https://onnx.ai/onnx/operators/onnx__LayerNormalization.html (the function body it decomposes into)
 */
import type { ImportContext, NodeJson } from './context.js';

interface Graph {
  readonly nodes: readonly NodeJson[];
  readonly producer: ReadonlyMap<string, number>;
  readonly readers: ReadonlyMap<string, number[]>;
}

function index(nodes: readonly NodeJson[]): Graph {
  const producer = new Map<string, number>();
  const readers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    n.outputs.forEach((t) => producer.set(t, i));
    n.inputs.forEach((t) => readers.set(t, [...(readers.get(t) ?? []), i]));
  });
  return { nodes, producer, readers };
}

const onnx = (n: NodeJson | undefined): unknown => n?.attributes['onnxOp'];

/** The only node reading `t`, if it is an `op` node (ONNX op type). */
function soleReader(g: Graph, t: string | undefined, op: string): NodeJson | undefined {
  const r = g.readers.get(t ?? '') ?? [];
  const node = r.length === 1 ? g.nodes[r[0] ?? -1] : undefined;
  return onnx(node) === op ? node : undefined;
}

const lastAxisMean = (n: NodeJson | undefined, rank: number): boolean =>
  onnx(n) === 'ReduceMean' && JSON.stringify(n?.attributes['axes']) === JSON.stringify([rank - 1]);

interface Match {
  readonly fused: readonly NodeJson[];
  readonly x: string;
  readonly eps: string;
  readonly op: 'layernorm' | 'rmsnorm';
}

/** v = ReduceMean(sq) → + ε → Sqrt → Div(num, ·): the common tail. */
function tail(g: Graph, sq: NodeJson, num: string, rank: number): NodeJson[] | undefined {
  const mean = soleReader(g, sq.outputs[0], 'ReduceMean');
  if (!lastAxisMean(mean, rank)) return undefined;
  const add = soleReader(g, mean?.outputs[0], 'Add');
  const sqrt = soleReader(g, add?.outputs[0], 'Sqrt');
  const div = soleReader(g, sqrt?.outputs[0], 'Div');
  if (mean === undefined || add === undefined || sqrt === undefined || div === undefined)
    return undefined;
  if (div.inputs[0] !== num || div.inputs[1] !== sqrt.outputs[0]) return undefined;
  return [mean, add, sqrt, div];
}

const isSquare = (n: NodeJson | undefined, of: string): boolean =>
  (onnx(n) === 'Pow' && n?.inputs.length === 1) ||
  (onnx(n) === 'Mul' && n?.inputs[0] === of && n.inputs[1] === of);

function matchAt(g: Graph, ctx: ImportContext, start: NodeJson): Match | undefined {
  const x = start.inputs[0] ?? '';
  const rank = ctx.tensors.get(x)?.shape.length ?? 0;
  if (lastAxisMean(start, rank)) {
    const sub = soleReader(g, start.outputs[0], 'Sub');
    const d = sub?.outputs[0] ?? '';
    if (sub === undefined || sub.inputs[0] !== x) return undefined;
    const sq = (g.readers.get(d) ?? []).map((i) => g.nodes[i]).find((n) => isSquare(n, d));
    const rest = sq === undefined ? undefined : tail(g, sq, d, rank);
    const uses = (g.readers.get(d) ?? []).length;
    if (sq === undefined || rest === undefined || uses !== (onnx(sq) === 'Mul' ? 3 : 2))
      return undefined;
    return { fused: [start, sub, sq, ...rest], x, eps: rest[1]?.inputs[1] ?? '', op: 'layernorm' };
  }
  if (!isSquare(start, x) || rank === 0) return undefined;
  const rest = tail(g, start, x, rank);
  return rest === undefined
    ? undefined
    : { fused: [start, ...rest], x, eps: rest[1]?.inputs[1] ?? '', op: 'rmsnorm' };
}

/** γ (then β) when the norm output is only scaled (and shifted) by parameter [H] vectors. */
function affine(
  g: Graph,
  ctx: ImportContext,
  out: string,
  hidden: number,
  withShift: boolean,
): NodeJson[] {
  const isVector = (t: string | undefined): boolean => {
    const spec = ctx.tensors.get(t ?? '');
    return spec?.parameter === true && spec.shape.length === 1 && spec.shape[0] === hidden;
  };
  const mul = soleReader(g, out, 'Mul');
  if (mul === undefined || mul.inputs[0] !== out || !isVector(mul.inputs[1])) return [];
  const add = withShift ? soleReader(g, mul.outputs[0], 'Add') : undefined;
  return add !== undefined && add.inputs[0] === mul.outputs[0] && isVector(add.inputs[1])
    ? [mul, add]
    : [mul];
}

/** The fused node standing for `all` (the last one's id and output). */
function fusedNode(
  ctx: ImportContext,
  m: Match,
  all: readonly NodeJson[],
  gamma: readonly NodeJson[],
): NodeJson {
  const last = all[all.length - 1] as NodeJson;
  const inputs = [m.x, ...gamma.map((n) => n.inputs[1] ?? '')];
  const out = last.outputs[0] ?? '';
  return {
    id: last.id,
    op: m.op,
    inputs,
    outputs: [out],
    attributes: { onnxOp: all.map((n) => String(onnx(n))).join('+') },
    cost: {
      forwardFlops: all.reduce((s, n) => s + n.cost.forwardFlops, 0),
      forwardBytes: [...inputs, out].reduce((s, t) => s + ctx.bytesOf(t), 0),
    },
  };
}

/**
 * Fuse every decomposed LayerNorm/RMSNorm chain in `ctx.nodes` (one pass: chains are disjoint,
 * their intermediate values having a single reader); returns how many.
 */
export function fuseDecomposedNorms(ctx: ImportContext): number {
  const g = index(ctx.nodes);
  const replace = new Map<NodeJson, NodeJson>();
  const drop = new Set<NodeJson>();
  for (const start of ctx.nodes) {
    if (drop.has(start)) continue;
    const m = matchAt(g, ctx, start);
    if (m === undefined || g.producer.has(m.eps)) continue;
    const core = m.fused[m.fused.length - 1] as NodeJson;
    const hidden = ctx.tensors.get(m.x)?.shape.at(-1) ?? 0;
    const extra = affine(g, ctx, core.outputs[0] ?? '', hidden, m.op === 'layernorm');
    const all = [...m.fused, ...extra];
    const last = all[all.length - 1] as NodeJson;
    replace.set(last, fusedNode(ctx, m, all, extra));
    for (const n of all) if (n !== last) drop.add(n);
    for (const n of all) if (n !== last) n.outputs.forEach((t) => ctx.release(t));
    if ((g.readers.get(m.eps) ?? []).length === 1) ctx.release(m.eps);
  }
  const kept = ctx.nodes.flatMap((n) => (drop.has(n) ? [] : [replace.get(n) ?? n]));
  ctx.nodes.length = 0;
  for (const n of kept) ctx.nodes.push(n);
  return replace.size;
}
