/**
 * Modules a command needs only when it runs, loaded on first use: `flink-deploy --help` and `validate` start
 * without the Temporal SDK (gRPC, protobufs), which costs most of the start-up (scripts/bench/startup.ts).
 * Import their types with `import type`; take their values from these functions inside actions.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as TemporalClient from '@temporalio/client';
import type * as TemporalCommon from '@temporalio/common';
import type * as TemporalProto from '@temporalio/proto';
import type * as TemporalConnection from '../config/temporal-connection';
import type * as Progress from '../contract/progress';
import type * as SearchAttributes from '../contract/search-attributes';
import type * as RunLookup from '../config/run-lookup';
import type * as Codec from '../codec';
import type * as FleetMessages from '../contract/fleet-messages';
import type * as FleetApply from './fleet-apply';
import type * as TemporalConnect from './temporal-connect';

/** `@temporalio/client`. */
export const temporalClient = (): typeof TemporalClient => require('@temporalio/client') as typeof TemporalClient;

/** `@temporalio/common`. */
export const temporalCommon = (): typeof TemporalCommon => require('@temporalio/common') as typeof TemporalCommon;

/** `@temporalio/proto` (the API's enums, e.g. history event types). */
export const temporalProto = (): typeof TemporalProto => require('@temporalio/proto') as typeof TemporalProto;

/** src/config/temporal-connection (loads `@temporalio/envconfig`). */
export const temporalConnection = (): typeof TemporalConnection =>
  require('../config/temporal-connection') as typeof TemporalConnection;

/** src/contract/progress (its query definition loads `@temporalio/workflow`). */
export const progressModule = (): typeof Progress => require('../contract/progress') as typeof Progress;

/** src/contract/search-attributes (their keys load `@temporalio/common`). */
export const searchAttributes = (): typeof SearchAttributes =>
  require('../contract/search-attributes') as typeof SearchAttributes;

/** src/config/run-lookup (whether a workflow run is still open). */
export const runLookup = (): typeof RunLookup => require('../config/run-lookup') as typeof RunLookup;

/** src/codec (the payload codec; loads `@temporalio/proto`). */
export const codecModule = (): typeof Codec => require('../codec') as typeof Codec;

/** src/contract/fleet-messages (the rollout's query and Updates; loads `@temporalio/workflow`). */
export const fleetMessages = (): typeof FleetMessages => require('../contract/fleet-messages') as typeof FleetMessages;

/** src/cli/fleet-apply (a fleet rollout; loads the Temporal SDK). */
export const fleetApplyModule = (): typeof FleetApply => require('./fleet-apply') as typeof FleetApply;

/** src/cli/temporal-connect (one attempt at the first connection; loads the Temporal SDK). */
export const temporalConnect = (): typeof TemporalConnect => require('./temporal-connect') as typeof TemporalConnect;
