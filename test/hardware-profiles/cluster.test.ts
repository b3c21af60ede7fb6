import { describe, expect, it } from 'vitest';
import {
  ProfileInputError,
  ProfileLookupError,
  clusterFromPreset,
  customCluster,
  findModel,
  loadProfileCatalog,
  worldSize,
} from '../../src/hardware-profiles/index.js';
import { thrownBy } from '../fixtures/thrown.js';

const catalog = loadProfileCatalog();

describe('clusterFromPreset', () => {
  it('repeats the preset node over numNodes', () => {
    const cluster = clusterFromPreset(catalog, 'dgx-a100-80gb', 16);
    expect(cluster.id).toBe('dgx-a100-80gb');
    expect(cluster.device.id).toBe('nvidia-a100-sxm4-80gb');
    expect(worldSize(cluster)).toBe(128);
    expect(cluster.interNode.bandwidthBytesPerSecond).toBe(25e9);
  });

  it('rejects a non-integer node count', () => {
    expect(() => clusterFromPreset(catalog, 'dgx-h100', 1.5)).toThrow(ProfileInputError);
  });
});

describe('customCluster', () => {
  it('defaults to the device scale-up fabric and one 400 Gb/s NIC per GPU', () => {
    const cluster = customCluster(catalog, {
      accelerator: 'nvidia-h100-sxm-80gb',
      gpusPerNode: 8,
      nodes: 2,
    });
    expect(cluster.id).toBe('custom');
    expect(cluster.intraNode.bandwidthBytesPerSecond).toBe(450e9);
    expect(cluster.interNode.bandwidthBytesPerSecond).toBe(50e9);
  });

  it('falls back to the PCIe x16 rate when the device has no scale-up fabric', () => {
    for (const [accelerator, bytesPerSecond] of [
      ['nvidia-l40s-48gb', 32e9],
      ['nvidia-h100-pcie-80gb', 64e9],
    ] as const) {
      const cluster = customCluster(catalog, { accelerator, gpusPerNode: 4, nodes: 1 });
      expect(cluster.intraNode.bandwidthBytesPerSecond, accelerator).toBe(bytesPerSecond);
    }
  });

  it('converts explicit links and spreads NICs over GPUs', () => {
    const cluster = customCluster(catalog, {
      accelerator: 'nvidia-a100-sxm4-40gb',
      gpusPerNode: 8,
      nodes: 4,
      intraNode: { bandwidthGBps: 200, latencyMicroseconds: 10, efficiency: 0.7 },
      interNode: { nicsPerNode: 4, nicBandwidthGBps: 25 },
    });
    expect(cluster.intraNode.bandwidthBytesPerSecond).toBe(200e9);
    expect(cluster.intraNode.latencySeconds).toBeCloseTo(10e-6, 12);
    expect(cluster.intraNode.efficiency).toBe(0.7);
    expect(cluster.interNode.bandwidthBytesPerSecond).toBe(12.5e9);
  });

  it.each([
    ['gpusPerNode', { gpusPerNode: 0 }],
    ['nodes', { nodes: -1 }],
    ['intraNode.efficiency', { intraNode: { bandwidthGBps: 100, efficiency: 1.2 } }],
    ['interNode.nicBandwidthGBps', { interNode: { nicBandwidthGBps: 0 } }],
  ])('rejects bad %s', (field, patch) => {
    const input = { accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 8, nodes: 1, ...patch };
    expect(() => customCluster(catalog, input)).toThrow(expect.objectContaining({ field }));
  });
});

describe('unknown ids throw ProfileLookupError', () => {
  it.each([
    [
      'accelerator',
      () => customCluster(catalog, { accelerator: 'nvidia-z9000', gpusPerNode: 8, nodes: 1 }),
    ],
    ['preset', () => clusterFromPreset(catalog, 'dgx-z9000', 1)],
    ['model', () => findModel(catalog, 'gpt-z9000')],
  ] as const)('%s', (field, call) => {
    const error = thrownBy(ProfileLookupError, call);
    expect(error.field).toBe(field);
    expect(error.id).toMatch(/z9000/);
    expect(error.validIds.length).toBeGreaterThan(0);
    expect(error.message).toContain(error.validIds[0]);
  });
});
