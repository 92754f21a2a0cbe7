/**
 * The jar URI schemes a FlinkSessionJob may use. The worker fetches a session job's jar itself, so
 * (as the Apache operator restricts artifact schemes) the default allows only `https` and the object
 * stores; `http` (no integrity, no confidentiality) and `file` (the worker's own disk) only when
 * enabled by the setting `sessionJob.jarSchemes` (FLINK_DEPLOY_SESSION_JAR_SCHEMES, comma-separated).
 */

/** Every scheme a session job's jar can be fetched from. */
export const sessionJarSchemes = ['https', 's3', 'http', 'file'] as const;
export type SessionJarScheme = (typeof sessionJarSchemes)[number];

/** The secure default. */
export const defaultSessionJarSchemes: readonly SessionJarScheme[] = ['https', 's3'];

/** The environment variable of the setting. */
export const sessionJarSchemesEnv = 'FLINK_DEPLOY_SESSION_JAR_SCHEMES';

/** Parses `https,s3,http`; throws an Error naming the unknown scheme. */
export function parseSessionJarSchemes(text: string): SessionJarScheme[] {
  const schemes = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  for (const scheme of schemes) {
    if (!(sessionJarSchemes as readonly string[]).includes(scheme))
      throw new Error(
        `${sessionJarSchemesEnv} names the jar URI scheme "${scheme}"; the schemes are ${sessionJarSchemes.join(', ')}`,
      );
  }
  if (schemes.length === 0) throw new Error(`${sessionJarSchemesEnv} is empty; give at least one of https, s3`);
  return [...new Set(schemes)] as SessionJarScheme[];
}
