import { readFileSync } from 'node:fs';
import { importOnnxModel } from './src/graph/onnx/index.js';
const opts = JSON.parse(process.argv[2] ?? '{}');
for (const f of process.argv.slice(3)) {
  const t0 = performance.now();
  try {
    const { graph, summary } = importOnnxModel(readFileSync(f), opts);
    const { inputs, ...rest } = summary;
    console.log(f.split('/').pop(), (performance.now() - t0).toFixed(0), 'ms', JSON.stringify(rest), JSON.stringify(graph.repeatedBlocks?.map(b => [b.nodeCount, b.starts.length])));
  } catch (e) { console.log(f.split('/').pop(), 'ERROR', (e as Error).message.slice(0, 600)); }
}
