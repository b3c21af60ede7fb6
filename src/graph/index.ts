/** graph: model ingestion (zoo entry / HF config / explicit shape) → ModelGraph (graphlib). */
export type {
  MatmulShape,
  ModelGraph,
  OpKind,
  OpNode,
  ParameterCounts,
  TensorParallelSplit,
} from './types.js';
export { transformerFromHuggingFaceConfig } from './huggingface.js';
export { buildModelGraph } from './build.js';
export { normParameterCount } from './ops.js';
