// A job's stage, named, with its options: what the orchestrator hands the workers. Apart from
// stages.ts, so that naming a stage never loads the parsers and the sanitizer on this thread.
import type { STAGES } from './stages.js';

export type StageName = keyof typeof STAGES;
type Stage<N extends StageName> = (typeof STAGES)[N];

export interface StageCall {
  name: StageName;
  options?: unknown;
}

/** A stage with its options, for a job. */
export function stage<N extends StageName>(
  name: N,
  ...options: Parameters<Stage<N>> extends [unknown, infer O] ? [O] : []
): StageCall {
  return { name, options: options[0] };
}
