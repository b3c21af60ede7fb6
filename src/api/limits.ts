/**
 * Bounds on user input (Safe on bad input): every size the API accepts is capped so that one
 * request cannot exhaust memory or CPU. The same numbers appear as `maximum` in openapi.yaml.
 */
export const LIMITS = {
  /** JSON request bodies above this are answered 413. */
  bodyBytes: 1024 * 1024,
  /** GPUs in one cluster (gpusPerNode × nodes). */
  worldSize: 65_536,
  nodes: 65_536,
  gpusPerNode: 1024,
  layers: 1000,
  hiddenSize: 131_072,
  heads: 4096,
  ffnHiddenSize: 1_048_576,
  vocabSize: 4_194_304,
  headDim: 16_384,
  maxPositionEmbeddings: 16_777_216,
  globalBatchSize: 16_777_216,
  sequenceLength: 1_048_576,
  degree: 65_536,
  virtualStages: 1000,
  sequenceSlices: 1024,
  constraintValues: 64,
  topK: 50,
  maxCandidates: 200_000,
  timeLimitSeconds: 60,
} as const;

/** Search defaults applied when the request leaves them out. */
export const SEARCH_DEFAULTS = {
  objective: 'fastest',
  topK: 5,
  maxCandidates: 100_000,
  timeLimitSeconds: 30,
} as const;
