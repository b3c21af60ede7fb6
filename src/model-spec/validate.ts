/**
 * Validation of a TransformerSpec (STYLE.md §7: value objects are validated on construction,
 * with messages that print the numbers involved).
 */
import { ModelInputError } from './errors.js';
import type { MlaSpec, MoeSpec, TransformerSpec } from './transformer-spec.js';
import { NORM_KINDS, POSITION_EMBEDDINGS, SPEC_SIZE_KEYS } from './transformer-spec.js';

/**
 * Maps spec keys to the caller's own field names (e.g. numLayers -> "layers"); MoE and MLA keys
 * as "moe.<key>" / "mla.<key>" (e.g. "moe.topK" -> "num_experts_per_tok").
 */
export type SpecFieldNames = Partial<
  Record<keyof TransformerSpec | `moe.${keyof MoeSpec}` | `mla.${keyof MlaSpec}`, string>
>;

/**
 * Check a spec: every size a positive integer, numHeads divisible by numKvHeads, known enums.
 * @param fieldPrefix JSON path of the spec in the caller's input, used in error fields.
 * @throws ModelInputError naming the first invalid field.
 */
export function validateTransformerSpec(
  spec: TransformerSpec,
  fieldPrefix = 'transformer',
  fieldNames: SpecFieldNames = {},
): TransformerSpec {
  const field = (key: keyof SpecFieldNames): string => `${fieldPrefix}.${fieldNames[key] ?? key}`;
  for (const key of SPEC_SIZE_KEYS) {
    const value = spec[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ModelInputError(field(key), `must be a positive integer, got ${String(value)}`);
    }
  }
  if (spec.numHeads % spec.numKvHeads !== 0) {
    throw new ModelInputError(
      field('numKvHeads'),
      `numHeads (${spec.numHeads}) must be divisible by numKvHeads (${spec.numKvHeads})`,
    );
  }
  if (!(POSITION_EMBEDDINGS as readonly string[]).includes(spec.positionEmbedding)) {
    throw new ModelInputError(
      field('positionEmbedding'),
      `must be 'learned', 'rotary' or 'alibi', got ${String(spec.positionEmbedding)}`,
    );
  }
  if (!(NORM_KINDS as readonly string[]).includes(spec.norm)) {
    throw new ModelInputError(
      field('norm'),
      `must be 'layernorm' or 'rmsnorm', got ${String(spec.norm)}`,
    );
  }
  if (spec.moe !== undefined) validateMoe(spec, spec.moe, field);
  if (spec.mla !== undefined) validateMla(spec.mla, field);
  if (spec.mtpLayers !== undefined) integerAtLeast(spec.mtpLayers, 0, field('mtpLayers'));
  return spec;
}

type FieldOf = (key: keyof SpecFieldNames) => string;

function integerAtLeast(value: number, min: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ModelInputError(
      name,
      `must be an integer ≥ ${min}, got ${JSON.stringify(value ?? null)}`,
    );
  }
}

/**
 * MoE rules: positive sizes, 1 ≤ topK ≤ numExperts (a token cannot pick more experts than
 * exist; Megatron's TopKRouter calls torch.topk(scores, k) over E scores), at least one MoE layer.
 */
function validateMoe(spec: TransformerSpec, moe: MoeSpec, field: FieldOf): void {
  integerAtLeast(moe.numExperts, 1, field('moe.numExperts'));
  integerAtLeast(moe.topK, 1, field('moe.topK'));
  integerAtLeast(moe.expertFfnHiddenSize, 1, field('moe.expertFfnHiddenSize'));
  integerAtLeast(moe.numSharedExperts, 0, field('moe.numSharedExperts'));
  integerAtLeast(moe.sharedExpertFfnHiddenSize, 0, field('moe.sharedExpertFfnHiddenSize'));
  integerAtLeast(moe.firstDenseLayers, 0, field('moe.firstDenseLayers'));
  integerAtLeast(moe.layerInterval, 1, field('moe.layerInterval'));
  if (moe.topK > moe.numExperts) {
    throw new ModelInputError(
      field('moe.topK'),
      `top-k (${moe.topK}) exceeds the number of routed experts (${moe.numExperts})`,
      { topK: moe.topK, numExperts: moe.numExperts },
    );
  }
  if (moe.numSharedExperts > 0 && moe.sharedExpertFfnHiddenSize === 0) {
    throw new ModelInputError(
      field('moe.sharedExpertFfnHiddenSize'),
      `${moe.numSharedExperts} shared expert(s) need a positive FFN width`,
    );
  }
  if (moe.firstDenseLayers + moe.layerInterval > spec.numLayers) {
    throw new ModelInputError(
      field('moe.firstDenseLayers'),
      `no MoE layer left: ${moe.firstDenseLayers} dense layers then every ${moe.layerInterval}-th of ${spec.numLayers} layers`,
    );
  }
}

/** MLA rules: positive latent and head sizes (qLoraRank 0 = no query bottleneck). */
function validateMla(mla: MlaSpec, field: FieldOf): void {
  integerAtLeast(mla.qLoraRank, 0, field('mla.qLoraRank'));
  integerAtLeast(mla.kvLoraRank, 1, field('mla.kvLoraRank'));
  integerAtLeast(mla.qkNopeHeadDim, 1, field('mla.qkNopeHeadDim'));
  integerAtLeast(mla.qkRopeHeadDim, 0, field('mla.qkRopeHeadDim'));
  integerAtLeast(mla.vHeadDim, 1, field('mla.vHeadDim'));
}

/**
 * Per-head dimension when the input does not give one: hiddenSize / numHeads, which must divide.
 * @throws ModelInputError on the heads field when hiddenSize is not a multiple of numHeads.
 */
export function defaultHeadDim(hiddenSize: number, numHeads: number, headsField: string): number {
  if (!Number.isSafeInteger(numHeads) || numHeads <= 0) {
    throw new ModelInputError(headsField, `must be a positive integer, got ${String(numHeads)}`);
  }
  if (hiddenSize % numHeads !== 0) {
    throw new ModelInputError(
      headsField,
      `hidden size (${hiddenSize}) must be divisible by the number of heads (${numHeads}) unless a head dimension is given`,
    );
  }
  return hiddenSize / numHeads;
}
