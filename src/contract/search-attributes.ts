/**
 * The custom search attributes of flink-deploy runs. The local stack registers them at start;
 * on a real Temporal, create each once:
 * `temporal operator search-attribute create --name FlinkApplication --type Keyword` (and the same
 * for FlinkNamespace, FlinkOperation, FlinkPhase, FlinkOutcome).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FlinkApplication = defineSearchAttributeKey('FlinkApplication', SearchAttributeType.KEYWORD);
export const FlinkNamespace = defineSearchAttributeKey('FlinkNamespace', SearchAttributeType.KEYWORD);
export const FlinkOperation = defineSearchAttributeKey('FlinkOperation', SearchAttributeType.KEYWORD);
export const FlinkPhase = defineSearchAttributeKey('FlinkPhase', SearchAttributeType.KEYWORD);
export const FlinkOutcome = defineSearchAttributeKey('FlinkOutcome', SearchAttributeType.KEYWORD);
