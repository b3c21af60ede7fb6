/**
 * The only file in Strata that reads files (STYLE.md §2): loads profiles/devices, clusters and
 * models once, validates each against its zod schema, converts units once (convert.ts), and
 * cross-checks references. Any bad file throws ProfileFileError naming the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { ClusterPreset, DeviceLinks, ModelZooEntry, ProfileCatalog } from './catalog.js';
import {
  clusterPresetFromFile,
  deviceFromFile,
  deviceLinksFromFile,
  modelFromFile,
} from './convert.js';
import { ProfileFileError } from './errors.js';
import {
  ClusterFileSchema,
  ClusterMixFileSchema,
  DeviceFileSchema,
  ModelFileSchema,
  AccuracyFileSchema,
} from './schema.js';
import type { ClusterMixFile } from './schema.js';
import type { AccuracyBands, DeviceProfile } from './types.js';

/**
 * The repo's profiles/ directory: walk up from this module to the directory holding
 * package.json, so it works from src/ (tsx, vitest) and from dist/src/ (compiled).
 */
export function defaultProfilesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'profiles');
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}; pass profilesDir`);
    }
    dir = parent;
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ProfileFileError(file, '', `cannot read file (${String(cause)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ProfileFileError(file, '', `invalid JSON (${String(cause)})`);
  }
}

/** Parse one file with its schema; the id must equal the file name without .json. */
function parseFile<S extends z.ZodType<{ id: string }>>(file: string, schema: S): z.output<S> {
  const result = schema.safeParse(readJson(file));
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new ProfileFileError(file, field, issue?.message ?? 'invalid file');
  }
  const expectedId = basename(file, '.json');
  if (result.data.id !== expectedId) {
    throw new ProfileFileError(
      file,
      'id',
      `id '${result.data.id}' must equal the file name '${expectedId}'`,
    );
  }
  return result.data;
}

/** Sorted *.json paths of one subdirectory (sorted so that load order is reproducible). */
function jsonFiles(profilesDir: string, sub: string): string[] {
  const dir = join(profilesDir, sub);
  if (!existsSync(dir)) throw new ProfileFileError(dir, '', 'directory not found');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

function loadDevices(profilesDir: string): {
  devices: Map<string, DeviceProfile>;
  deviceLinks: Map<string, DeviceLinks>;
} {
  const devices = new Map<string, DeviceProfile>();
  const deviceLinks = new Map<string, DeviceLinks>();
  for (const file of jsonFiles(profilesDir, 'devices')) {
    const parsed = parseFile(file, DeviceFileSchema);
    devices.set(parsed.id, deviceFromFile(parsed));
    deviceLinks.set(parsed.id, deviceLinksFromFile(parsed));
  }
  return { devices, deviceLinks };
}

function loadClusterPresets(
  profilesDir: string,
  devices: ReadonlyMap<string, DeviceProfile>,
): Map<string, ClusterPreset> {
  const presets = new Map<string, ClusterPreset>();
  for (const file of jsonFiles(profilesDir, 'clusters')) {
    const parsed = parseFile(file, ClusterFileSchema);
    if (!devices.has(parsed.accelerator)) {
      const valid = [...devices.keys()].sort().join(', ');
      throw new ProfileFileError(
        file,
        'accelerator',
        `unknown accelerator '${parsed.accelerator}'; valid: ${valid}`,
      );
    }
    presets.set(parsed.id, clusterPresetFromFile(parsed));
  }
  return presets;
}

function loadModels(profilesDir: string): Map<string, ModelZooEntry> {
  const models = new Map<string, ModelZooEntry>();
  for (const file of jsonFiles(profilesDir, 'models')) {
    const parsed = parseFile(file, ModelFileSchema);
    models.set(parsed.id, modelFromFile(parsed));
  }
  return models;
}

function loadClusterMixes(
  profilesDir: string,
  presets: ReadonlyMap<string, ClusterPreset>,
): Map<string, ClusterMixFile> {
  const mixes = new Map<string, ClusterMixFile>();
  for (const file of jsonFiles(profilesDir, 'cluster-mixes')) {
    const parsed = parseFile(file, ClusterMixFileSchema);
    parsed.groups.forEach((group, index) => {
      if (!presets.has(group.preset)) {
        throw new ProfileFileError(
          file,
          `groups[${index}].preset`,
          `unknown cluster preset '${group.preset}'`,
        );
      }
    });
    mixes.set(parsed.id, parsed);
  }
  return mixes;
}

/** profiles/calibration/accuracy.json, the error bands every estimate carries. */
function loadAccuracy(profilesDir: string): AccuracyBands {
  const file = join(profilesDir, 'calibration', 'accuracy.json');
  const { stepTime, peakMemory } = parseFile(file, AccuracyFileSchema);
  return { stepTime, peakMemory };
}

/**
 * Read and validate every profile under `profilesDir` (default: the repo's profiles/).
 * Synchronous; call once at startup and pass the catalog down.
 * @throws ProfileFileError naming the file and the JSON field at fault.
 */
export function loadProfileCatalog(profilesDir: string = defaultProfilesDir()): ProfileCatalog {
  const { devices, deviceLinks } = loadDevices(profilesDir);
  const clusterPresets = loadClusterPresets(profilesDir, devices);
  const models = loadModels(profilesDir);
  const clusterMixes = loadClusterMixes(profilesDir, clusterPresets);
  const accuracy = loadAccuracy(profilesDir);
  return { devices, deviceLinks, clusterPresets, models, clusterMixes, accuracy };
}
