/** graph: model ingestion (zoo entry / HF config / explicit shape) → ModelGraph (graphlib). */
export type {
  MatmulShape,
  ModelGraph,
  NormKind,
  OpKind,
  OpNode,
  ParameterCounts,
  PositionEmbedding,
  TensorParallelSplit,
  TransformerSpec,
} from './types.js';
export { ModelInputError } from './errors.js';
export type { SpecFieldNames } from './transformer-spec.js';
export { defaultHeadDim, validateTransformerSpec } from './transformer-spec.js';
export { transformerFromHuggingFaceConfig } from './huggingface.js';
export type { ExplicitTransformerInput } from './zoo.js';
export { defaultFfnHiddenSize, specFromExplicitTransformer } from './zoo.js';
export { buildModelGraph } from './build.js';
export { normParameterCount } from './ops.js';
