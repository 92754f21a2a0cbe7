/** Queries of the flink-deploy workflows; the CLI imports this module without workflow code. */
import { defineQuery } from '@temporalio/workflow';
import type { Progress } from './types';

/** The phase, current details and phase history of a running (or finished) operation. */
export const progressQuery = defineQuery<Progress>('progress');
