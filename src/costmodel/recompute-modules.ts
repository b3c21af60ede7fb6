/**
 * Which ops of a layer Megatron's selective recompute re-runs in backward, per recompute module
 * (--recompute-granularity selective --recompute-modules ...; transformer_config.py
 * recompute_modules docstring): core_attn the attention core, layernorm the input and pre-MLP
 * norms, moe_act the routed experts' activation, mla_up_proj MLA's Q/KV up-projections, mlp a
 * dense layer's MLP, moe the whole MoE block (router, permutation, experts, shared experts),
 * shared_experts the shared experts.
 */
import type { OpNode } from '../graph/index.js';
import type { RecomputeModule } from './strategy.js';

const ATTENTION_CORE: ReadonlySet<OpNode['kind']> = new Set([
  'attention-scores',
  'attention-softmax',
  'attention-context',
]);
const MLP_KINDS: ReadonlySet<OpNode['kind']> = new Set([
  'mlp-up',
  'mlp-gate',
  'mlp-activation',
  'mlp-down',
]);
const MOE_BLOCK_KINDS: ReadonlySet<OpNode['kind']> = new Set([
  'router',
  'moe-permute',
  'moe-unpermute',
]);

/** Routed-expert and shared-expert ops carry these id parts (graph/ops-moe.ts). */
const isRoutedExpert = (op: OpNode): boolean => op.id.includes('.experts.');
const isSharedExpert = (op: OpNode): boolean => op.id.includes('.shared.');

/** Whether `op` is re-run in backward when `module` is recomputed. */
export function recomputesOp(module: RecomputeModule, op: OpNode): boolean {
  switch (module) {
    case 'core_attn':
      return ATTENTION_CORE.has(op.kind);
    case 'layernorm':
      return op.kind === 'norm' && !op.id.includes('.mla.');
    case 'moe_act':
      return op.kind === 'mlp-activation' && isRoutedExpert(op);
    case 'mla_up_proj':
      return op.kind === 'qkv-proj' && op.id.includes('.mla.') && op.id.endsWith('-up');
    case 'mlp':
      return MLP_KINDS.has(op.kind) && !isRoutedExpert(op) && !isSharedExpert(op);
    case 'moe':
      return MOE_BLOCK_KINDS.has(op.kind) || isRoutedExpert(op) || isSharedExpert(op);
    case 'shared_experts':
      return isSharedExpert(op);
  }
}

/** Whether any of `modules` recomputes `op`. */
export function recomputedBySelective(modules: readonly RecomputeModule[], op: OpNode): boolean {
  return modules.some((module) => recomputesOp(module, op));
}
