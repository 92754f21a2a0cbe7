/**
 * The `progress` query of every operation, and what it answers. The CLI imports this module
 * without any workflow code.
 */
import { defineQuery } from '@temporalio/workflow';
import type { AppRef } from './app';
import type { Operation, OperationResult } from './operations';

/** A phase an operation went through, with the workflow time it was entered. */
export interface PhaseEntry {
  phase: string;
  at: string;
  details?: string;
}

/** What the `progress` query answers. */
export interface Progress {
  app: AppRef;
  operation: Operation;
  phase: string;
  details: string;
  phases: PhaseEntry[];
  result?: OperationResult;
}

/** The phase, current details and phase history of a running (or finished) operation. */
export const progressQuery = defineQuery<Progress>('progress');
