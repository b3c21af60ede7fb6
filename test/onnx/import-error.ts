/** Catching the OnnxImportError a bad model must throw, for assertions on its reason and field. */
import { OnnxImportError } from '../../src/graph/onnx/index.js';

/** The OnnxImportError `f` throws; rethrows any other error, fails when nothing is thrown. */
export function importError(f: () => unknown): OnnxImportError {
  try {
    f();
  } catch (error) {
    if (error instanceof OnnxImportError) return error;
    throw error;
  }
  throw new Error('expected an OnnxImportError');
}
