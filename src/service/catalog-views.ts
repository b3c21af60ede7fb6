/** Read-only views of the profile catalog for the GET endpoints (base units, API names). */
import type { TransformerSpec } from '../model-spec/index.js';
import { buildModelGraph } from '../graph/index.js';
import type { ModelZooEntry, ProfileCatalog } from '../hardware-profiles/index.js';
import type { components } from '../contract/generated/openapi.js';
import { heteroClusterFromSpec } from '../hardware-profiles/index.js';
import { ApiError } from '../contract/index.js';
import { mixClusterInput } from './hetero-plans.js';

type Schemas = components['schemas'];

/** Parameter counts do not depend on the sequence length (positions are sized by the spec). */
const PARAMETER_SEQUENCE_LENGTH = 1;

function specToApi(spec: TransformerSpec): Schemas['TransformerSpec'] {
  return {
    name: spec.name,
    layers: spec.numLayers,
    hiddenSize: spec.hiddenSize,
    heads: spec.numHeads,
    kvHeads: spec.numKvHeads,
    headDim: spec.headDim,
    ffnHiddenSize: spec.ffnHiddenSize,
    vocabSize: spec.vocabSize,
    gatedMlp: spec.gatedMlp,
    tiedEmbeddings: spec.tiedEmbeddings,
    positionEmbedding: spec.positionEmbedding,
    maxPositionEmbeddings: spec.maxPositionEmbeddings,
    norm: spec.norm,
    linearBias: spec.linearBias,
  };
}

function parameters(entry: ModelZooEntry): Schemas['ParameterBreakdown'] {
  const { embedding, perLayer, head, total } = buildModelGraph(
    entry.spec,
    PARAMETER_SEQUENCE_LENGTH,
  ).parameters;
  return { embedding, perLayer, head, total };
}

export function modelList(catalog: ProfileCatalog): Schemas['ModelList'] {
  const models = [...catalog.models.values()].map((m) => ({
    id: m.id,
    name: m.name,
    parameterCount: parameters(m).total,
    publishedParameterCount: m.publishedParameterCount,
    layers: m.spec.numLayers,
    hiddenSize: m.spec.hiddenSize,
    heads: m.spec.numHeads,
    kvHeads: m.spec.numKvHeads,
    ffnHiddenSize: m.spec.ffnHiddenSize,
    vocabSize: m.spec.vocabSize,
  }));
  return { models: models.sort((a, b) => a.id.localeCompare(b.id)) };
}

export function modelDetail(catalog: ProfileCatalog, id: string): Schemas['ModelDetail'] {
  const entry = catalog.models.get(id);
  if (entry === undefined) {
    throw new ApiError('NOT_FOUND', `no zoo model '${id}'; see GET /v1/models`, {
      details: { id, validIds: [...catalog.models.keys()].sort() },
    });
  }
  return {
    id: entry.id,
    name: entry.name,
    publishedParameterCount: entry.publishedParameterCount,
    spec: specToApi(entry.spec),
    parameters: parameters(entry),
    source: entry.source,
    notes: entry.notes,
  };
}

export function acceleratorList(catalog: ProfileCatalog): Schemas['AcceleratorList'] {
  const accelerators = [...catalog.devices.values()].map((d) => ({
    id: d.id,
    name: d.name,
    vendor: d.vendor,
    memoryBytes: d.memoryBytes,
    peakFlopsPerSecond: { ...d.peakFlopsPerSecond },
    memoryBandwidthBytesPerSecond: d.memoryBandwidthBytesPerSecond,
    tdpWatts: d.tdpWatts,
    priceUsdPerGpuHour: d.priceUsdPerGpuHour,
    source: d.source,
  }));
  return { accelerators: accelerators.sort((a, b) => a.id.localeCompare(b.id)) };
}

export function clusterPresetList(catalog: ProfileCatalog): Schemas['ClusterPresetList'] {
  const clusters = [...catalog.clusterPresets.values()].map((c) => ({
    id: c.id,
    name: c.name,
    accelerator: c.deviceId,
    gpusPerNode: c.gpusPerNode,
    intraNode: { ...c.intraNode },
    interNode: { ...c.interNode },
    source: c.source,
  }));
  const mixes = [...catalog.clusterMixes.values()].map((m) => ({
    id: m.id,
    name: m.name,
    groups: m.groups.map((g) => ({ preset: g.preset, nodes: g.nodes })),
    interGroup: { ...heteroClusterFromSpec(catalog, mixClusterInput(m)).interGroup },
    source: m.source,
    notes: m.notes,
  }));
  return {
    clusters: clusters.sort((a, b) => a.id.localeCompare(b.id)),
    mixes: mixes.sort((a, b) => a.id.localeCompare(b.id)),
  };
}
