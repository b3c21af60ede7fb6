/**
 * Model states and working buffers per framework × ZeRO stage, hand-computed from the upstream
 * allocations cited in src/costmodel/model-states.ts and working-memory.ts (snapshots of
 * shared/context/framework_memory.md). Ψ = 1e9 parameters on the GPU, d = 8.
 */
import { describe, expect, it } from 'vitest';
import { modelStateBytes } from '../../src/costmodel/model-states.js';
import { runtimeBytes } from '../../src/costmodel/rank-memory.js';
import { workingMemoryBytes } from '../../src/costmodel/working-memory.js';
import type { Framework, ZeroStage } from '../../src/costmodel/index.js';
import type { Precision } from '../../src/hardware-profiles/index.js';

const PSI = 1e9;
const D = 8;

type Case = [
  string,
  {
    framework: Framework;
    precision: Precision;
    zero: ZeroStage;
    /** weights, gradients, optimizer bytes per parameter */
    want: [number, number, number];
  },
];

const states: Case[] = [
  [
    'Megatron bf16, no sharding: 2 bf16 + 4 fp32 main_grad + 12 = 18 B (dist_optimizer.md:L16)',
    { framework: 'megatron', precision: 'bf16', zero: 0, want: [2, 4, 12] },
  ],
  [
    'Megatron distributed optimizer: 6 + 12/d, grad buffer full size (param_and_grad_buffer.py:L1180)',
    { framework: 'megatron', precision: 'bf16', zero: 1, want: [2, 4, 12 / D] },
  ],
  [
    'Megatron fp16: 20 B, distributed 4 + 16/d (dist_optimizer.md:L18-20)',
    { framework: 'megatron', precision: 'fp16', zero: 1, want: [2, 2, 16 / D] },
  ],
  [
    'DeepSpeed bf16 ZeRO-0 BF16_Optimizer: 2 + (2 bf16 .grad + 4 fp32 accum) + 12',
    { framework: 'deepspeed', precision: 'bf16', zero: 0, want: [2, 6, 12] },
  ],
  [
    'DeepSpeed bf16 ZeRO-1 BF16_Optimizer: fp32 accumulation buffer NOT partitioned (bf16_optimizer.py:L176)',
    { framework: 'deepspeed', precision: 'bf16', zero: 1, want: [2, 6, 12 / D] },
  ],
  [
    'DeepSpeed fp16 ZeRO-1 (stage_1_and_2): 2 + 2 + 12/d (ZeRO §5.1 P_os)',
    { framework: 'deepspeed', precision: 'fp16', zero: 1, want: [2, 2, 12 / D] },
  ],
  [
    'DeepSpeed ZeRO-2: 2 + 2/d + 12/d (ZeRO §5.1 P_os+g)',
    { framework: 'deepspeed', precision: 'bf16', zero: 2, want: [2, 2 / D, 12 / D] },
  ],
  [
    'DeepSpeed ZeRO-3: (2 + 2 + 12)/d, grads in the model dtype (stage3.py:L742-744)',
    { framework: 'deepspeed', precision: 'bf16', zero: 3, want: [2 / D, 2 / D, 12 / D] },
  ],
  [
    'FSDP DDP (no sharding): fp32 params 4 + fp32 grads 4 + Adam 8 = 16',
    { framework: 'fsdp', precision: 'bf16', zero: 0, want: [4, 4, 8] },
  ],
  [
    'FSDP SHARD_GRAD_OP: 16/d states (its unsharded bf16 copy is a working buffer)',
    { framework: 'fsdp', precision: 'bf16', zero: 2, want: [4 / D, 4 / D, 8 / D] },
  ],
  [
    'FSDP FULL_SHARD (torchtitan fp32 master, fp32 reduce): 4/d + 4/d + 8/d = 16/d',
    { framework: 'fsdp', precision: 'bf16', zero: 3, want: [4 / D, 4 / D, 8 / D] },
  ],
];

describe('model states per framework × ZeRO stage', () => {
  it.each(states)('%s', (_name, c) => {
    const m = modelStateBytes(PSI, D, c.zero, c.precision, c.framework);
    expect(m.weights).toBeCloseTo(c.want[0] * PSI, 0);
    expect(m.gradients).toBeCloseTo(c.want[1] * PSI, 0);
    expect(m.optimizer).toBeCloseTo(c.want[2] * PSI, 0);
  });
});

describe('working buffers by phase', () => {
  /** The working buffers for Ψ parameters on the GPU, d = 8, wrapped in units of 1e8 parameters. */
  const working = (framework: Framework, precision: Precision, zeroStage: ZeroStage) =>
    workingMemoryBytes({
      parametersPerGpu: PSI,
      unitParameters: 1e8,
      dp: D,
      framework,
      precision,
      zeroStage,
    });
  it('Megatron: in place, none (param_and_grad_buffer.py)', () => {
    const w = working('megatron', 'bf16', 1);
    expect(w).toEqual({ backward: 0, optimizerStep: 0 });
  });
  it('DeepSpeed BF16_Optimizer: fp32 all-reduce chunk of min(Ψ, 5e8) elements at the step', () => {
    const w = working('deepspeed', 'bf16', 1);
    expect(w).toEqual({ backward: 0, optimizerStep: 5e8 * 4 });
  });
  it('DeepSpeed fp16 ZeRO-0 FP16_Optimizer: flat fp32 gradient 4Ψ at the step', () => {
    const w = working('deepspeed', 'fp16', 0);
    expect(w).toEqual({ backward: 0, optimizerStep: 4 * PSI });
  });
  it('DeepSpeed ZeRO-2: IPG bucket 5e8 × 2 B in backward; fp32 partition copy 4Ψ/d at the step', () => {
    const w = working('deepspeed', 'bf16', 2);
    expect(w).toEqual({ backward: 1e9, optimizerStep: (4 * PSI) / D });
  });
  it('DeepSpeed ZeRO-3: (unit + 5e7 prefetch) × 2 B gathered + IPG bucket', () => {
    const w = working('deepspeed', 'bf16', 3);
    expect(w.backward).toBe((1e8 + 5e7) * 2 + 5e8 * 2);
  });
  it('FSDP FULL_SHARD: 2 unsharded bf16 units + one unit bf16 grads + fp32 RS input', () => {
    const w = working('fsdp', 'bf16', 3);
    expect(w.backward).toBe(2 * 1e8 * 2 + 1e8 * (2 + 4));
  });
  it('FSDP SHARD_GRAD_OP: every unit unsharded (2Ψ) between forward and backward', () => {
    const w = working('fsdp', 'bf16', 2);
    expect(w.backward).toBe(2 * PSI + 1e8 * (2 + 4));
  });
});

describe('runtime memory beside the tensors', () => {
  it('context + NCCL per communicator in use + fragmentation of the allocated peak', () => {
    const r = {
      contextBytes: 768 * 2 ** 20,
      ncclBytesPerCommunicator: 256 * 2 ** 20,
      allocatorFragmentationFraction: 0.05,
    };
    const bytes = runtimeBytes(r, { tp: 8, dp: 4, pp: 1, cp: 1 }, 40 * 2 ** 30);
    expect(bytes).toBe(768 * 2 ** 20 + 2 * 256 * 2 ** 20 + 0.05 * 40 * 2 ** 30);
  });
});
