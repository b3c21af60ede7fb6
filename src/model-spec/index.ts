/** model-spec: the one transformer shape (type, zod schemas, limits, validation); a leaf room. */
export type {
  MlaSpec,
  MoeSpec,
  NormKind,
  PositionEmbedding,
  SpecSizeKey,
  TransformerSpec,
} from './transformer-spec.js';
export {
  MlaSpecSchema,
  MoeSpecSchema,
  isMoeLayer,
  moeLayerCount,
  NORM_KINDS,
  NormKindSchema,
  POSITION_EMBEDDINGS,
  PositionEmbeddingSchema,
  SPEC_SIZE_KEYS,
  TransformerSpecSchema,
} from './transformer-spec.js';
export { MODEL_LIMITS, SPEC_SIZE_LIMITS, checkSpecLimits } from './limits.js';
export { ModelInputError } from './errors.js';
export type { SpecFieldNames } from './validate.js';
export { defaultHeadDim, validateTransformerSpec } from './validate.js';
export type { ExplicitTransformerInput } from './explicit-input.js';
export {
  MlaInputSchema,
  MoeInputSchema,
  TransformerInputSchema,
  defaultFfnHiddenSize,
  specFromExplicitTransformer,
} from './explicit-input.js';
export type {
  Framework,
  Precision,
  RecomputeMode,
  ScheduleKind,
  ZeroStage,
} from './training-vocabulary.js';
export {
  FRAMEWORKS,
  PRECISIONS,
  RECOMPUTE_MODES,
  SCHEDULE_KINDS,
  ZERO_STAGES,
} from './training-vocabulary.js';
