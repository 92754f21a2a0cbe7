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
  RemovingDeployments: 'RemovingDeployments',
  Disposing: 'Disposing',
  Done: 'Done',
  Failed: 'Failed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
