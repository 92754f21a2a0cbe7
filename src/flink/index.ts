/** The Flink REST client of flink-deploy (see client.ts). */
export * from './client';
export * from './dto';
export * from './endpoint';
export * from './errors';
export type { CallOptions } from './http';
export * from './requirements';
export * from './results';
export * from './version';
