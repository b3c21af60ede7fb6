import { describe, expect, it } from 'vitest';
import { exportPlan } from '../../src/export/index.js';
import { torchrunLaunch } from '../../src/export/torchrun.js';
import { LLAMA_SPEC, makePlan } from './plans.js';

describe('torchrun launch and hostfile', () => {
  const plan = makePlan({ strategy: { tp: 8, pp: 2, dp: 2 } });
  it('one command per node with its node rank; hostfile slots = GPUs per node', () => {
    const out = torchrunLaunch(plan, { script: ['pretrain_gpt.py'] });
    expect(out.commands).toHaveLength(4);
    // A Megatron plan with tp = 8 carries Megatron's CUDA_DEVICE_MAX_CONNECTIONS=1 (env.ts).
    expect(out.env).toEqual({ CUDA_DEVICE_MAX_CONNECTIONS: '1' });
    expect(out.commands[3]).toBe(
      'CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun --nnodes 4 --nproc-per-node 8 --node-rank 3 --rdzv-backend c10d --rdzv-endpoint $MASTER_ADDR:29500 pretrain_gpt.py',
    );
    expect(out.hostfile).toBe('node-0 slots=8\nnode-1 slots=8\nnode-2 slots=8\nnode-3 slots=8\n');
    expect(out.text).toContain('--node-rank $NODE_RANK');
    expect(out.text).toMatch(/^CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun /m);
  });
  it('DeepSpeed and torchtitan plans need no environment', () => {
    for (const framework of ['deepspeed', 'fsdp'] as const) {
      const out = torchrunLaunch(makePlan({ training: { framework } }));
      expect(out.env).toEqual({});
      expect(out.commands[0]).toMatch(/^torchrun /);
    }
  });
});

describe('exportPlan', () => {
  it.each(['megatron', 'deepspeed', 'torchtitan', 'torchrun', 'rankmap'] as const)(
    '%s returns its format with text',
    (format) => {
      const out = exportPlan(makePlan(), LLAMA_SPEC, format);
      expect(out.format).toBe(format);
      expect(out.text.length).toBeGreaterThan(0);
    },
  );
  it('rankmap text is JSON of the map', () => {
    const out = exportPlan(makePlan(), LLAMA_SPEC, 'rankmap');
    if (out.format !== 'rankmap') throw new Error('wrong format');
    expect((JSON.parse(out.text) as { ranks: unknown[] }).ranks).toHaveLength(8);
  });
});
