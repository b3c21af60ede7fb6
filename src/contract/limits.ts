/**
 * Bounds on user input (Safe on bad input): every size the API accepts is capped so that one
 * request cannot exhaust memory or CPU. The same numbers appear as `maximum` in openapi.yaml.
 */
import { MODEL_LIMITS } from '../model-spec/index.js';

export const LIMITS = {
  /** JSON request bodies above this are answered 413. */
  bodyBytes: 1024 * 1024,
  /** Nesting of arrays/objects in a JSON body; deeper bodies are refused before parsing (400). */
  jsonDepth: 64,
  /** POST /v1/plans bodies (they may carry an ONNX file as base64). */
  planBodyBytes: 8 * 1024 * 1024,
  /** model.onnx: base64 characters (about 6 MB of ONNX). */
  onnxBase64Chars: 8_000_000,
  /** POST /v1/models/onnx bodies: the importer's own bound (MAX_ONNX_BYTES, 256 MiB). */
  onnxUploadBytes: 256 * 1024 * 1024,
  /** Uploaded ONNX models kept for model.graphId: decoded structure bytes, and entries (LRU). */
  onnxModelCacheBytes: 64 * 1024 * 1024,
  onnxModelCacheEntries: 64,
  /** Entries of model.dimParams / model.inputValues; elements of one input value; a dim's value. */
  onnxNamedValues: 64,
  onnxInputValueItems: 4096,
  onnxDimValue: 1_048_576,
  /** POST /v1/schedules: pipeline ranks p, micro-batches m, chunks per rank v, slices k. */
  scheduleRanks: 128,
  scheduleMicroBatches: 1024,
  scheduleChunksPerRank: 64,
  scheduleSlices: 64,
  /** Entries per stageTimes array. */
  scheduleStageTimes: 8192,
  /** Actions in one generated schedule, all ranks together. */
  scheduleActions: 200_000,
  /** Bytes of serialised plans kept for GET /v1/plans/{id} (LRU); STRATA_PLAN_CACHE_MIB overrides. */
  planCacheBytes: 256 * 1024 * 1024,
  /** GPUs in one cluster (gpusPerNode × nodes). */
  worldSize: 65_536,
  /** Ranks in one page of GET /v1/plans/{id}/export?format=rankmap (`limit`'s maximum and default). */
  rankMapRanks: 4096,
  nodes: 65_536,
  /** Node groups of a heterogeneous cluster / items of a cluster-selection inventory. */
  clusterGroups: 4,
  /** Entries of a prices table. */
  priceEntries: 64,
  gpusPerNode: 1024,
  /** Transformer sizes: the model-spec's own caps. */
  ...MODEL_LIMITS,
  globalBatchSize: 16_777_216,
  sequenceLength: 1_048_576,
  degree: 65_536,
  virtualStages: 1000,
  sequenceSlices: 1024,
  constraintValues: 64,
  topK: 50,
  /** training.memoryHeadroomFraction must be below this (exclusive). */
  memoryHeadroomFraction: 0.5,
  /** Scenarios one study may expand to (also caps each axis list); larger specs are refused. */
  studyScenarios: 2000,
  maxCandidates: 200_000,
  timeLimitSeconds: 60,
} as const;

/** Search defaults applied when the request leaves them out. */
export const SEARCH_DEFAULTS = {
  objective: 'fastest',
  topK: 5,
  maxCandidates: 100_000,
  timeLimitSeconds: 30,
  /** Solver budget of an operator-graph plan. */
  graphTimeLimitSeconds: 10,
  /** Heterogeneous candidates evaluated (planHeterogeneous's own default). */
  heteroMaxCandidates: 2_000,
} as const;
