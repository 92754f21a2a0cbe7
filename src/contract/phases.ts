/**
 * The closed list of phases an operation goes through (docs/workflows.md draws them).
 * Pure: the CLI prints them too.
 */
export const Phase = {
  Locking: 'Locking',
  Planning: 'Planning',
  Savepointing: 'Savepointing',
  ReadingCheckpoint: 'ReadingCheckpoint',
  Cancelling: 'Cancelling',
  Deploying: 'Deploying',
  WaitingForStable: 'WaitingForStable',
  RollingBack: 'RollingBack',
  /** rescale in place: TaskManagers and the adaptive scheduler's requirements change; the job keeps its id. */
  Rescaling: 'Rescaling',
  RemovingDeployments: 'RemovingDeployments',
  Disposing: 'Disposing',
  /** delete: the ConfigMap, Services and HA ConfigMaps go, then the record. */
  RemovingObjects: 'RemovingObjects',
  Done: 'Done',
  Failed: 'Failed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
