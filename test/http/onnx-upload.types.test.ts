/** The ONNX upload and graphId schemas are pinned to openapi.yaml (as schemas.types.test.ts does). */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { components } from '../../src/contract/generated/openapi.js';
import type {
  OnnxDimParams,
  OnnxInputValues,
  OnnxModelInput,
  OnnxModelUpload,
  UploadedOnnxModelInput,
} from '../../src/contract/schemas.js';

type Schemas = components['schemas'];

describe('ONNX schemas are pinned to openapi.yaml', () => {
  it('inputs and the upload answer', () => {
    expectTypeOf<z.output<typeof OnnxModelInput>>().toEqualTypeOf<Schemas['OnnxModelInput']>();
    expectTypeOf<z.output<typeof UploadedOnnxModelInput>>().toEqualTypeOf<
      Schemas['UploadedOnnxModelInput']
    >();
    expectTypeOf<z.output<typeof OnnxDimParams>>().toEqualTypeOf<Schemas['OnnxDimParams']>();
    expectTypeOf<z.output<typeof OnnxInputValues>>().toEqualTypeOf<Schemas['OnnxInputValues']>();
    expectTypeOf<z.output<typeof OnnxModelUpload>>().toEqualTypeOf<Schemas['OnnxModelUpload']>();
  });
});
