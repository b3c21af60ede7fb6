/** The API's closed vocabularies (zod enums), shared by request and response schemas. */
import { z } from 'zod';
import {
  FRAMEWORKS,
  PRECISIONS,
  RECOMPUTE_MODES,
  RECOMPUTE_MODULES,
  SCHEDULE_KINDS,
  ZERO_STAGES,
} from '../model-spec/index.js';

export {
  NormKindSchema as NormKind,
  PositionEmbeddingSchema as PositionEmbedding,
} from '../model-spec/index.js';
export const Precision = z.enum(PRECISIONS);
export const Framework = z.enum(FRAMEWORKS);
export const Objective = z.enum(['fastest', 'min-gpus', 'max-mfu', 'cheapest']);
export const RecomputeMode = z.enum(RECOMPUTE_MODES);
export const RecomputeModule = z.enum(RECOMPUTE_MODULES);
export const ZeroStage = z.literal(ZERO_STAGES);
export const ScheduleId = z.enum(SCHEDULE_KINDS);
