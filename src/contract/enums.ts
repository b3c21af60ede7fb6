/** The API's closed vocabularies (zod enums), shared by request and response schemas. */
import { z } from 'zod';

export {
  NormKindSchema as NormKind,
  PositionEmbeddingSchema as PositionEmbedding,
} from '../model-spec/index.js';
export const Precision = z.enum(['bf16', 'fp16', 'fp8']);
export const Framework = z.enum(['megatron', 'deepspeed', 'fsdp']);
export const Objective = z.enum(['fastest', 'min-gpus', 'max-mfu', 'cheapest']);
export const RecomputeMode = z.enum(['none', 'selective', 'full']);
export const ZeroStage = z.literal([0, 1, 2, 3]);
export const ScheduleId = z.enum([
  'gpipe',
  '1f1b',
  'interleaved-1f1b',
  'zb-h1',
  'zb-h2',
  'zb-v',
  'seq-slice-1f1b',
]);
