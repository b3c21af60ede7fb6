/**
 * Typed readers of Hugging Face config.json fields, shared by the dense and the MoE families:
 * each failure is a ModelInputError naming the JSON path ("huggingFaceConfig.<key>").
 */
import { ModelInputError } from '../model-spec/index.js';

export type Config = Readonly<Record<string, unknown>>;

export const PREFIX = 'huggingFaceConfig';

/** A positive integer at `keys[0]` (or the first alias present); ModelInputError otherwise. */
export function int(config: Config, ...keys: string[]): number {
  const key = keys.find((k) => config[k] !== undefined && config[k] !== null);
  if (key === undefined) {
    throw new ModelInputError(`${PREFIX}.${keys[0] ?? ''}`, `is required (a positive integer)`);
  }
  const value = config[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ModelInputError(
      `${PREFIX}.${key}`,
      `must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A positive integer, or undefined when the key is absent or null. */
export function optionalInt(config: Config, key: string): number | undefined {
  const value = config[key];
  return value === undefined || value === null ? undefined : int(config, key);
}

/** A non-negative integer (0 allowed), or `fallback` when absent or null. */
export function count(config: Config, key: string, fallback: number): number {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ModelInputError(
      `${PREFIX}.${key}`,
      `must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function bool(config: Config, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw new ModelInputError(
      `${PREFIX}.${key}`,
      `must be a boolean, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Keys that make a config a mixture of experts in the families Hugging Face ships: Mixtral /
 * Llama 4 num_local_experts, DeepSeek n_routed_experts / n_shared_experts, Qwen-MoE num_experts,
 * and the per-expert width moe_intermediate_size. A present, positive value marks experts.
 */
export const EXPERT_KEYS = [
  'num_local_experts',
  'n_routed_experts',
  'num_experts',
  'n_shared_experts',
  'moe_intermediate_size',
] as const;

/** The first expert key with a positive value, or null for a dense config. */
export function expertKeyOf(config: Config): string | null {
  for (const key of EXPERT_KEYS) {
    const value = config[key];
    if (typeof value === 'number' && value > 0) return key;
  }
  return null;
}
