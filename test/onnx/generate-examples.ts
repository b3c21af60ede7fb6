/**
 * Writes the three sample models of the ONNX tests to examples/onnx/ as complete single-file
 * models (weights zero-filled in raw_data, so ONNX Runtime can load them too).
 * Run: `npx tsx test/onnx/generate-examples.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cnnModel, mlpModel, transformerModel } from './models.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'onnx');
mkdirSync(outDir, { recursive: true });
const samples = {
  'mlp.onnx': mlpModel('zeros'),
  'cnn.onnx': cnnModel('zeros'),
  'tiny-transformer.onnx': transformerModel('zeros'),
};
for (const [file, bytes] of Object.entries(samples)) {
  writeFileSync(join(outDir, file), bytes);
  process.stdout.write(`wrote examples/onnx/${file} (${bytes.byteLength} bytes)\n`);
}
