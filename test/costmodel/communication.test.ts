import { describe, expect, it } from 'vitest';
import {
  allGatherSeconds,
  allReduceSeconds,
  allToAllSeconds,
  hierarchicalAllReduceSeconds,
  sendRecvSeconds,
} from '../../src/costmodel/communication.js';
import type { LinkProfile } from '../../src/hardware-profiles/types.js';

const nvlink: LinkProfile = {
  bandwidthBytesPerSecond: 300e9,
  latencySeconds: 5e-6,
  efficiency: 0.8,
};
const ib: LinkProfile = { bandwidthBytesPerSecond: 25e9, latencySeconds: 10e-6, efficiency: 0.9 };

describe('alpha-beta collectives (hand-computed)', () => {
  it('ring all-reduce of 1 GiB on 8 A100s: 2·7·5µs + (14/8)·2^30 / 240e9', () => {
    expect(allReduceSeconds(2 ** 30, 8, nvlink)).toBeCloseTo(70e-6 + (1.75 * 2 ** 30) / 240e9, 12);
  });
  it('NCCL picks the tree when the ring latency dominates: 4 MB over 1,024 nodes', () => {
    const ring = 2 * 1023 * 10e-6 + ((2 * 1023) / 1024) * (4e6 / 22.5e9);
    const tree = 2 * 10 * 10e-6 + (2 * 4e6) / 22.5e9;
    expect(tree).toBeLessThan(ring);
    expect(allReduceSeconds(4e6, 1024, ib)).toBeCloseTo(tree, 12);
    // Large buffers on few ranks stay on the ring (bandwidth-optimal 2(n−1)/n < 2).
    expect(allReduceSeconds(2 ** 30, 8, nvlink)).toBeLessThan(2 * 3 * 5e-6 + (2 * 2 ** 30) / 240e9);
  });
  it('is zero for one rank or an empty payload', () => {
    expect(allReduceSeconds(1e9, 1, nvlink)).toBe(0);
    expect(allGatherSeconds(0, 8, nvlink)).toBe(0);
  });
  it('all-gather moves (n−1)/n of the full tensor', () => {
    expect(allGatherSeconds(8e9, 4, ib)).toBeCloseTo(3 * 10e-6 + (0.75 * 8e9) / 22.5e9, 12);
  });
  it('all-to-all and send/recv', () => {
    expect(allToAllSeconds(1e9, 2, ib)).toBeCloseTo(10e-6 + 0.5e9 / 22.5e9, 12);
    expect(sendRecvSeconds(1e6, ib)).toBeCloseTo(10e-6 + 1e6 / 22.5e9, 12);
  });
  it('hierarchical all-reduce = RS(intra) + AR(inter, S/g) + AG(intra)', () => {
    const S = 4e9;
    const want = allGatherSeconds(S, 8, nvlink) * 2 + allReduceSeconds(S / 8, 4, ib);
    expect(hierarchicalAllReduceSeconds(S, 8, 4, nvlink, ib)).toBeCloseTo(want, 12);
    // Invariant: a single node degenerates to the intra-node ring.
    expect(hierarchicalAllReduceSeconds(S, 8, 1, nvlink, ib)).toBe(allReduceSeconds(S, 8, nvlink));
  });
});
