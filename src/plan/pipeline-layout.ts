/**
 * Megatron-LM's `--pipeline-model-parallel-layout` string for an explicit layer split.
 *
 * Syntax (megatron/core/transformer/pipeline_parallel_layer_layout.py,
 * `PipelineParallelLayerLayout.parse_str_to_list`): stages separated by `|`, in pipeline order
 * (stage k = vppRank·pp + ppRank, the same chunk order as Strata's layout); `E` embedding,
 * `t` one transformer decoder layer, `L` loss (LM head), `m` MTP layer; `x*n` repeats a character,
 * `(...)*n` repeats a group, commas are cosmetic. `validate_layer_layout` requires `E` first and
 * `L` last, each exactly once, and the count of `t` to equal `--num-layers`.
 *
 * Example, pp = 4, 30 layers, lighter first and last stage:  `Et*7|t*8|t*8|t*7L`
 */

/**
 * Format per-chunk layer counts (pipeline order) as a layout string. `mtpLayers` multi-token-
 * prediction layers go in the last chunk before the loss: validate_layer_layout wants them in a
 * pipeline rank's last virtual chunk, as many as --mtp-num-layers.
 */
export function formatPipelineLayout(layersPerChunk: readonly number[], mtpLayers = 0): string {
  const last = layersPerChunk.length - 1;
  const mtp = 'm'.repeat(mtpLayers);
  return layersPerChunk
    .map((n, i) => {
      const layers = n === 0 ? '' : n === 1 ? 't' : `t*${n}`;
      return `${i === 0 ? 'E' : ''}${layers}${i === last ? `${mtp}L` : ''}`;
    })
    .join('|');
}
