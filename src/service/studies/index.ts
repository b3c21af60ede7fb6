/** Study infrastructure: the study service, its stores (SQLite, Redis) and executors (process pool, BullMQ). */
export type {
  StudyEvent,
  StudyListener,
  StudyProgress,
  StudyService,
  StudySnapshot,
  StudySummary,
} from './study-service.js';
export { createStudyService } from './study-service.js';
export type { StudyRecord, StudyStatus, StudyStore } from './store/types.js';
export { StoreUnavailableError } from './store/types.js';
export type { ScenarioExecutor } from './executor/types.js';
export type { StudyRuntime, StudyRuntimeOptions } from './runtime.js';
export { openStudyRuntime, studyRuntimeOptionsFromEnv } from './runtime.js';
