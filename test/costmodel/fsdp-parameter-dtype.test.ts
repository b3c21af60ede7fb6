/**
 * FSDP's resident parameter dtype (TrainingConfig.fsdpParameterDtype): fp32 resident shards give
 * 4 + 4 + 8 = 16 B/param over d; bf16 ones (NeMo AutoModel with torch_dtype unset and
 * torch.optim.Adam) give 2 + 2 + 4 = 8 B/param, hand-computed.
 */
import { describe, expect, it } from 'vitest';
import { modelStateBytes, stateBytesPerParameter } from '../../src/costmodel/model-states.js';

describe('FSDP resident parameter dtype', () => {
  it('fp32 (default): 16/d bytes per parameter', () => {
    expect(stateBytesPerParameter('fsdp', 'bf16', 3, 8)).toEqual({
      weights: 0.5,
      gradients: 0.5,
      optimizer: 1,
    });
  });
  it('bf16: 2/d weights, 2/d gradients, 4/d Adam moments', () => {
    expect(stateBytesPerParameter('fsdp', 'bf16', 3, 8, true, 'bf16')).toEqual({
      weights: 0.25,
      gradients: 0.25,
      optimizer: 0.5,
    });
    // 1e9 parameters unsharded (d = 1): 2 + 2 + 4 GB.
    expect(modelStateBytes(1e9, 1, 3, 'bf16', 'fsdp', true, 'bf16')).toEqual({
      weights: 2e9,
      gradients: 2e9,
      optimizer: 4e9,
    });
  });
  it('other frameworks ignore it', () => {
    expect(stateBytesPerParameter('megatron', 'bf16', 1, 8, true, 'bf16')).toEqual(
      stateBytesPerParameter('megatron', 'bf16', 1, 8),
    );
  });
});
