import { readOnnxModel } from './src/graph/onnx/read-model.js';
import { readFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  const t0 = performance.now();
  const m = readOnnxModel(readFileSync(f));
  const ms = performance.now() - t0;
  const vals = m.graph.initializers.filter((t) => t.values !== undefined).length;
  console.log(f.split('/').pop(), ms.toFixed(1), 'ms', m.nodeCount, 'nodes', m.graph.initializers.length, 'inits', vals, 'with values', JSON.stringify(m.graph.inputs));
}
