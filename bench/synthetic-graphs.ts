/**
 * Synthetic operator graphs (the JSON form parseOperatorGraph reads) for the planner benchmarks:
 * a ResNet-style CNN and a transformer-MLP-like chain of any length.
 */

type Tensor = { shape: number[]; parameter?: boolean };
type Node = {
  id: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
};

/** Stem (2 ops), `blocks` residual blocks of conv → relu → conv → add → relu (5 ops each), pool, head, softmax: 19 blocks = 100 ops. */
export function resnetGraph(blocks: number, batch = 256, channels = 256, size = 28) {
  const tensors: Record<string, Tensor> = { image: { shape: [batch, 3, size, size] } };
  const nodes: Node[] = [];
  const act = [batch, channels, size, size];
  const conv = (id: string, input: string, inChannels: number): string => {
    tensors[`${id}_w`] = { shape: [channels, inChannels, 3, 3], parameter: true };
    tensors[id] = { shape: act };
    nodes.push({
      id,
      op: 'conv2d',
      inputs: [input, `${id}_w`],
      outputs: [id],
      attributes: { stride: 1, padding: 1 },
    });
    return id;
  };
  const unary = (id: string, op: string, input: string): string => {
    tensors[id] = { shape: act };
    nodes.push({ id, op, inputs: [input], outputs: [id] });
    return id;
  };
  let x = unary('stem_relu', 'relu', conv('stem', 'image', 3));
  for (let b = 0; b < blocks; b++) {
    const c1 = unary(`b${b}_r1`, 'relu', conv(`b${b}_c1`, x, channels));
    const c2 = conv(`b${b}_c2`, c1, channels);
    tensors[`b${b}_sum`] = { shape: act };
    nodes.push({ id: `b${b}_add`, op: 'add', inputs: [c2, x], outputs: [`b${b}_sum`] });
    x = unary(`b${b}_r2`, 'relu', `b${b}_sum`);
  }
  tensors['pooled'] = { shape: [batch, channels] };
  nodes.push({
    id: 'pool',
    op: 'reduce',
    inputs: [x],
    outputs: ['pooled'],
    attributes: { axes: [2, 3] },
  });
  tensors['head_w'] = { shape: [channels, 1000], parameter: true };
  tensors['logits'] = { shape: [batch, 1000] };
  nodes.push({ id: 'head', op: 'matmul', inputs: ['pooled', 'head_w'], outputs: ['logits'] });
  tensors['probs'] = { shape: [batch, 1000] };
  nodes.push({ id: 'softmax', op: 'softmax', inputs: ['logits'], outputs: ['probs'] });
  return { tensors, nodes };
}

/** Transformer-MLP-like chain (blocks of linear → gelu → linear → add → layernorm) (bench/ilp.ts, bench/graph-plan.ts). */
export function mlpChainGraph(numOps: number, batch = 2048, hidden = 1024) {
  const tensors: Record<string, Tensor> = { t0: { shape: [batch, hidden] } };
  const nodes: Node[] = [];
  let cur = 't0';
  let residual = 't0';
  const kinds = ['linear', 'gelu', 'linear', 'add', 'layernorm'];
  for (let i = 0; i < numOps; i++) {
    const kind = kinds[i % kinds.length] as string;
    const out = `t${i + 1}`;
    const wide = kind === 'linear' && i % 5 === 0;
    tensors[out] = { shape: [batch, wide || kind === 'gelu' ? 4 * hidden : hidden] };
    if (kind === 'linear') {
      const inDim = tensors[cur]?.shape[1] ?? hidden;
      tensors[`w${i}`] = { shape: [inDim, tensors[out].shape[1] ?? hidden], parameter: true };
      nodes.push({ id: `op${i}`, op: kind, inputs: [cur, `w${i}`], outputs: [out] });
    } else if (kind === 'add')
      nodes.push({ id: `op${i}`, op: kind, inputs: [cur, residual], outputs: [out] });
    else nodes.push({ id: `op${i}`, op: kind, inputs: [cur], outputs: [out] });
    if (kind === 'layernorm') residual = out;
    cur = out;
  }
  return { tensors, nodes };
}
