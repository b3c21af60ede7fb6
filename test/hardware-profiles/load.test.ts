import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProfileFileError,
  defaultProfilesDir,
  loadProfileCatalog,
} from '../../src/hardware-profiles/index.js';
import { thrownBy } from '../fixtures/thrown.js';

const catalog = loadProfileCatalog();

const REQUIRED_DEVICES = [
  'nvidia-v100-sxm2-32gb',
  'nvidia-v100-sxm2-16gb',
  'nvidia-a100-sxm4-40gb',
  'nvidia-a100-sxm4-80gb',
  'nvidia-a100-pcie-80gb',
  'nvidia-h100-sxm-80gb',
  'nvidia-h100-pcie-80gb',
  'nvidia-h200-sxm-141gb',
  'nvidia-b200-sxm-180gb',
  'nvidia-a10-24gb',
  'nvidia-l4-24gb',
  'nvidia-l40s-48gb',
  'nvidia-rtx4090-24gb',
  'amd-mi300x-192gb',
];
const REQUIRED_PRESETS = [
  'dgx-v100',
  'dgx-a100-40gb',
  'dgx-a100-80gb',
  'dgx-h100',
  'dgx-h200',
  'dgx-b200',
  'hgx-h100',
  'pcie-8x-l40s',
  'pcie-8x-l4',
  'pcie-8x-a10',
  'pcie-8x-rtx4090',
  'pcie-8x-h100',
  'amd-mi300x-8',
];

describe('shipped profiles', () => {
  const dir = defaultProfilesDir();
  it.each(['devices', 'clusters', 'models'])('every file in profiles/%s loads', (sub) => {
    const files = readdirSync(join(dir, sub)).filter((f) => f.endsWith('.json'));
    const loaded =
      sub === 'devices'
        ? catalog.devices
        : sub === 'clusters'
          ? catalog.clusterPresets
          : catalog.models;
    expect(files.length).toBeGreaterThan(0);
    expect([...loaded.keys()].sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
  });

  it('has every required device and preset id', () => {
    for (const id of REQUIRED_DEVICES) expect(catalog.devices.has(id), id).toBe(true);
    for (const id of REQUIRED_PRESETS) expect(catalog.clusterPresets.has(id), id).toBe(true);
  });

  it('every device has a source, dense peaks and ascending curves', () => {
    for (const device of catalog.devices.values()) {
      expect(device.source.length, device.id).toBeGreaterThan(0);
      expect(Object.keys(device.peakFlopsPerSecond).length, device.id).toBeGreaterThan(0);
      const sizes = device.matmulEfficiency.map((p) => p.minSize);
      expect(sizes, device.id).toEqual([...sizes].sort((a, b) => a - b));
    }
  });

  it('V100 has fp16 but no bf16 or fp8; A100 has no fp8', () => {
    const v100 = catalog.devices.get('nvidia-v100-sxm2-32gb');
    expect(v100?.peakFlopsPerSecond.fp16).toBe(125e12);
    expect(v100?.peakFlopsPerSecond.bf16).toBeUndefined();
    expect(v100?.peakFlopsPerSecond.fp8).toBeUndefined();
    expect(catalog.devices.get('nvidia-a100-sxm4-80gb')?.peakFlopsPerSecond.fp8).toBeUndefined();
  });
});

describe('unit conversion (GiB binary, GB/s decimal, TFLOP/s, µs, GFLOP, MiB)', () => {
  const h100 = catalog.devices.get('nvidia-h100-sxm-80gb');
  const dgx = catalog.clusterPresets.get('dgx-h100');

  it.each([
    ['H100 memoryBytes = 80 GiB', () => h100?.memoryBytes, 80 * 2 ** 30],
    ['H100 bf16 peak', () => h100?.peakFlopsPerSecond.bf16, 989.5e12],
    ['H100 fp8 peak', () => h100?.peakFlopsPerSecond.fp8, 1979e12],
    ['H100 HBM bandwidth', () => h100?.memoryBandwidthBytesPerSecond, 3350e9],
    ['H100 matmul curve step 2 = 1 GFLOP', () => h100?.matmulEfficiency[1]?.minSize, 1e9],
    ['H100 memory curve step 2 = 1 MiB', () => h100?.memoryEfficiency[1]?.minSize, 2 ** 20],
    ['dgx-h100 intraNode 450 GB/s', () => dgx?.intraNode.bandwidthBytesPerSecond, 450e9],
    [
      'dgx-h100 interNode per GPU = 8 × 50 GB/s / 8',
      () => dgx?.interNode.bandwidthBytesPerSecond,
      50e9,
    ],
    [
      'dgx-v100 interNode per GPU = 4 × 12.5 GB/s / 8',
      () => catalog.clusterPresets.get('dgx-v100')?.interNode.bandwidthBytesPerSecond,
      6.25e9,
    ],
  ] as const)('%s', (_name, get, want) => {
    expect(get()).toBeCloseTo(want, 0);
  });

  it('latency in seconds', () => {
    expect(dgx?.intraNode.latencySeconds).toBeCloseTo(5e-6, 12);
    expect(dgx?.interNode.latencySeconds).toBeCloseTo(15e-6, 12);
  });

  it('zoo model spec carries the file architecture', () => {
    const llama = catalog.models.get('llama3-70b');
    expect(llama?.spec).toMatchObject({ name: 'llama3-70b', numLayers: 80, numKvHeads: 8 });
    expect(llama?.publishedParameterCount).toBe(70.6e9);
  });
});

describe('bad files are rejected naming the file and field', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function copyWith(sub: string, fileName: string, content: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'strata-profiles-'));
    dirs.push(dir);
    cpSync(defaultProfilesDir(), dir, { recursive: true });
    writeFileSync(join(dir, sub, fileName), content);
    return dir;
  }

  const h100 = JSON.stringify({
    id: 'bad-gpu',
    name: 'Bad',
    vendor: 'nvidia',
    peakTflops: { bf16: 100 },
    memoryGiB: 80,
    hbmBandwidthGBps: 1000,
    matmulEfficiency: [{ minGflops: 0, efficiency: 0.5 }],
    memoryEfficiency: [{ minMiB: 0, efficiency: 0.5 }],
    attentionEfficiencyFactor: 0.7,
    runtimeMemory: {
      cudaContextMiB: 768,
      ncclBuffersMiBPerCommunicator: 256,
      allocatorFragmentationFraction: 0.05,
    },
    overlapInterferenceFraction: 0.15,
    tdpWatts: 300,
    priceUsdPerGpuHour: null,
    pcieGeneration: 4,
    scaleUp: null,
    source: 'test',
    notes: '',
  });

  it.each([
    ['negative memory', h100.replace('"memoryGiB":80', '"memoryGiB":-1'), 'memoryGiB'],
    [
      'efficiency > 1',
      h100.replace('"attentionEfficiencyFactor":0.7', '"attentionEfficiencyFactor":1.5'),
      'attentionEfficiencyFactor',
    ],
    ['unknown key', h100.replace('"tdpWatts":300', '"tdpWatts":300,"tdpW":3'), ''],
    [
      'unsorted curve',
      h100.replace(
        '"matmulEfficiency":[{"minGflops":0,"efficiency":0.5}]',
        '"matmulEfficiency":[{"minGflops":4,"efficiency":0.5},{"minGflops":1,"efficiency":0.6}]',
      ),
      'matmulEfficiency.1.minGflops',
    ],
    ['id differs from file name', h100.replace('"id":"bad-gpu"', '"id":"other"'), 'id'],
  ])('%s', (_name, content, field) => {
    const dir = copyWith('devices', 'bad-gpu.json', content);
    const error = thrownBy(ProfileFileError, () => loadProfileCatalog(dir));
    expect(error.file).toContain('bad-gpu.json');
    expect(error.field).toBe(field);
    expect(error.message).toContain('bad-gpu.json');
    if (field !== '') expect(error.message).toContain(field);
  });

  it('invalid JSON', () => {
    const dir = copyWith('models', 'broken.json', '{ "id": ');
    expect(() => loadProfileCatalog(dir)).toThrow(/broken\.json: invalid JSON/);
  });

  it('cluster naming an unknown accelerator', () => {
    const dgx = readdirSync(join(defaultProfilesDir(), 'clusters')).includes('dgx-h100.json');
    expect(dgx).toBe(true);
    const content = JSON.stringify({
      id: 'odd',
      name: 'Odd',
      accelerator: 'nvidia-z9000',
      gpusPerNode: 8,
      intraNode: { fabric: 'x', bandwidthGBps: 1, latencyMicroseconds: 1, efficiency: 0.5 },
      interNode: {
        fabric: 'y',
        nicsPerNode: 1,
        nicBandwidthGBps: 1,
        latencyMicroseconds: 1,
        efficiency: 0.5,
      },
      source: 's',
      notes: '',
    });
    const dir = copyWith('clusters', 'odd.json', content);
    expect(() => loadProfileCatalog(dir)).toThrow(
      /odd\.json: field 'accelerator': unknown accelerator 'nvidia-z9000'/,
    );
  });
});
