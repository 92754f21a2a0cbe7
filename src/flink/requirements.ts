/**
 * The resource requirements of an in-place rescale (adaptive scheduler, `PUT /jobs/:jobid/resource-requirements`):
 * every vertex that runs at the job's parallelism follows it; a vertex the job pinned to another
 * parallelism keeps its own. Pure.
 */
import type { JobResourceRequirementsDto } from './dto';

/** Input of {@link rescaledRequirements}. */
export interface RescaledRequirementsInput {
  /** What `GET /jobs/:jobid/resource-requirements` answered. */
  current: JobResourceRequirementsDto;
  /** The job's parallelism before and after. */
  from: number;
  to: number;
  /** Per vertex id, its max parallelism (`GET /jobs/:jobid`); a bound above it is capped. */
  maxParallelism?: Record<string, number | undefined>;
}

/** The requirements to PUT, and per vertex the parallelism the job must then run at. */
export interface RescaledRequirements {
  requirements: JobResourceRequirementsDto;
  /** Vertex id → the parallelism the rescaled job runs it at. */
  targets: Record<string, number>;
}

/**
 * A vertex whose upper bound is `from` (or already `to`: a retried request after the first was taken)
 * gets `to`; the lower bound never exceeds the upper. Idempotent: applied to its own result, the same.
 */
export function rescaledRequirements(input: RescaledRequirementsInput): RescaledRequirements {
  const requirements: JobResourceRequirementsDto = {};
  const targets: Record<string, number> = {};
  for (const [vertex, { parallelism }] of Object.entries(input.current)) {
    const follows = parallelism.upperBound === input.from || parallelism.upperBound === input.to;
    const max = input.maxParallelism?.[vertex];
    const wanted = follows ? input.to : parallelism.upperBound;
    const upperBound = max !== undefined && max > 0 ? Math.min(wanted, max) : wanted;
    const lowerBound = Math.min(parallelism.lowerBound, upperBound);
    requirements[vertex] = { parallelism: { lowerBound, upperBound } };
    targets[vertex] = upperBound;
  }
  return { requirements, targets };
}
