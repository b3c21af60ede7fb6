/**
 * Environment variables a launch needs, per framework, as part of the exported command
 * (`NAME=value torchrun ...`). Only what the framework requires or the plan relies on:
 *  - Megatron-LM, tp > 1 or cp > 1: CUDA_DEVICE_MAX_CONNECTIONS=1. `validate_args`
 *    (megatron/training/arguments.py, commit in test/fixtures/upstream/megatron-flags.json) asserts
 *    it before Blackwell ("Using tensor model parallelism or context parallelism require setting
 *    the environment variable CUDA_DEVICE_MAX_CONNECTIONS to 1"); from Blackwell on it is no longer
 *    required but still allowed (only the FSDP paths, which Strata never emits, assert it is not
 *    1), and upstream's example scripts set it on every GPU (examples/gpt3/train_gpt3_175b_distributed.sh),
 *    so it is emitted whatever the device: one rule, no device table in code.
 *  - DeepSpeed and torchtitan: nothing. Neither reads CUDA_DEVICE_MAX_CONNECTIONS, and no NCCL
 *    variable is set: the cost model assumes NCCL's defaults (its own algorithm and protocol choice,
 *    default NCCL_BUFFSIZE in the runtime reserve, src/costmodel/memory.ts), so pinning NCCL_IB_*,
 *    NCCL_ALGO or NCCL_PROTO would change what was estimated rather than reproduce it.
 */
import type { Plan } from '../plan/index.js';

/** Variable name → value, in the order they are written. */
export type LaunchEnv = Readonly<Record<string, string>>;

export const NO_ENV: LaunchEnv = {};

/** Megatron-LM's environment for a plan (see the file comment). */
export function megatronEnv(plan: Plan): LaunchEnv {
  const s = plan.strategy;
  return s.tp > 1 || s.cp > 1 ? { CUDA_DEVICE_MAX_CONNECTIONS: '1' } : NO_ENV;
}

/** The environment of the framework the plan was estimated for (used by the torchrun export). */
export function frameworkEnv(plan: Plan): LaunchEnv {
  switch (plan.training.framework) {
    case 'megatron':
      return megatronEnv(plan);
    case 'deepspeed':
    case 'fsdp':
      return NO_ENV;
  }
}

/** `NAME=value` words to put before the launcher. */
export function envWords(env: LaunchEnv): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
