import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { components } from '../../src/contract/generated/openapi.js';
import type {
  AnyPlanResponse,
  ClusterInput,
  ClusterSelectionRequest,
  ClusterSelectionResponse,
  FrontierPoint,
  HeteroClusterInput,
  HeteroPlan,
  HeteroPlanResponse,
  HeteroReplica,
  HeteroStage,
  InventoryItem,
  PlanClusterInput,
  DeepSpeedExport,
  GraphPlan,
  GraphPlanResponse,
  MegatronExport,
  PlanExport,
  PlanExports,
  PlanModelInput,
  PlanSchedule,
  RankMapExport,
  ScheduleRequest,
  ScheduleResponse,
  TorchrunExport,
  TorchtitanExport,
  Estimate,
  EstimateRequest,
  EstimateResponse,
  ModelInput,
  Plan,
  PlanRequest,
  PlanResponse,
  Problem,
  SearchOptions,
  StrategyInput,
  StrategyOutput,
  TrainingInput,
} from '../../src/contract/schemas.js';
import type { StudySpec } from '../../src/contract/study-schemas.js';

type Schemas = components['schemas'];

describe('zod schemas are pinned to openapi.yaml', () => {
  it('requests', () => {
    expectTypeOf<z.output<typeof PlanRequest>>().toEqualTypeOf<Schemas['PlanRequest']>();
    expectTypeOf<z.output<typeof EstimateRequest>>().toEqualTypeOf<Schemas['EstimateRequest']>();
    expectTypeOf<z.output<typeof ModelInput>>().toEqualTypeOf<Schemas['ModelInput']>();
    expectTypeOf<z.output<typeof ClusterInput>>().toEqualTypeOf<Schemas['ClusterInput']>();
    expectTypeOf<z.output<typeof TrainingInput>>().toEqualTypeOf<Schemas['TrainingInput']>();
    expectTypeOf<z.output<typeof SearchOptions>>().toEqualTypeOf<Schemas['SearchOptions']>();
    expectTypeOf<z.output<typeof StrategyInput>>().toEqualTypeOf<Schemas['StrategyInput']>();
    expectTypeOf<z.output<typeof StudySpec>>().toEqualTypeOf<Schemas['StudySpec']>();
  });

  it('responses', () => {
    expectTypeOf<z.output<typeof PlanResponse>>().toEqualTypeOf<Schemas['PlanResponse']>();
    expectTypeOf<z.output<typeof EstimateResponse>>().toEqualTypeOf<Schemas['EstimateResponse']>();
    expectTypeOf<z.output<typeof Plan>>().toEqualTypeOf<Schemas['Plan']>();
    expectTypeOf<z.output<typeof Estimate>>().toEqualTypeOf<Schemas['Estimate']>();
    expectTypeOf<z.output<typeof StrategyOutput>>().toEqualTypeOf<Schemas['Strategy']>();
    expectTypeOf<z.output<typeof Problem>>().toEqualTypeOf<Schemas['Problem']>();
    expectTypeOf<z.output<typeof AnyPlanResponse>>().toEqualTypeOf<Schemas['AnyPlanResponse']>();
    expectTypeOf<z.output<typeof PlanSchedule>>().toEqualTypeOf<Schemas['PlanSchedule']>();
  });

  it('operator graphs, exports and schedules', () => {
    expectTypeOf<z.output<typeof PlanModelInput>>().toEqualTypeOf<Schemas['PlanModelInput']>();
    expectTypeOf<z.output<typeof ScheduleRequest>>().toEqualTypeOf<Schemas['ScheduleRequest']>();
    expectTypeOf<z.output<typeof ScheduleResponse>>().toEqualTypeOf<Schemas['ScheduleResponse']>();
    expectTypeOf<z.output<typeof GraphPlan>>().toEqualTypeOf<Schemas['GraphPlan']>();
    expectTypeOf<z.output<typeof GraphPlanResponse>>().toEqualTypeOf<
      Schemas['GraphPlanResponse']
    >();
    expectTypeOf<z.output<typeof PlanExports>>().toEqualTypeOf<Schemas['PlanExports']>();
    expectTypeOf<z.output<typeof PlanExport>>().toEqualTypeOf<Schemas['PlanExport']>();
    expectTypeOf<z.output<typeof MegatronExport>>().toEqualTypeOf<Schemas['MegatronExport']>();
    expectTypeOf<z.output<typeof DeepSpeedExport>>().toEqualTypeOf<Schemas['DeepSpeedExport']>();
    expectTypeOf<z.output<typeof TorchtitanExport>>().toEqualTypeOf<Schemas['TorchtitanExport']>();
    expectTypeOf<z.output<typeof TorchrunExport>>().toEqualTypeOf<Schemas['TorchrunExport']>();
    expectTypeOf<z.output<typeof RankMapExport>>().toEqualTypeOf<Schemas['RankMapExport']>();
  });

  it('heterogeneous clusters and cluster selection', () => {
    expectTypeOf<z.output<typeof PlanClusterInput>>().toEqualTypeOf<Schemas['PlanClusterInput']>();
    expectTypeOf<z.output<typeof HeteroClusterInput>>().toEqualTypeOf<
      Schemas['HeteroClusterInput']
    >();
    expectTypeOf<z.output<typeof InventoryItem>>().toEqualTypeOf<Schemas['InventoryItem']>();
    expectTypeOf<z.output<typeof ClusterSelectionRequest>>().toEqualTypeOf<
      Schemas['ClusterSelectionRequest']
    >();
    expectTypeOf<z.output<typeof HeteroStage>>().toEqualTypeOf<Schemas['HeteroStage']>();
    expectTypeOf<z.output<typeof HeteroReplica>>().toEqualTypeOf<Schemas['HeteroReplica']>();
    expectTypeOf<z.output<typeof HeteroPlan>>().toEqualTypeOf<Schemas['HeteroPlan']>();
    expectTypeOf<z.output<typeof HeteroPlanResponse>>().toEqualTypeOf<
      Schemas['HeteroPlanResponse']
    >();
    expectTypeOf<z.output<typeof FrontierPoint>>().toEqualTypeOf<Schemas['FrontierPoint']>();
    expectTypeOf<z.output<typeof ClusterSelectionResponse>>().toEqualTypeOf<
      Schemas['ClusterSelectionResponse']
    >();
  });
});
