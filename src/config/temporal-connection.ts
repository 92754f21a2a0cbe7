/**
 * The Temporal connection derived from the settings: the envconfig profile (TOML + TEMPORAL_*)
 * with the flags laid over it. Used by the CLI (`Connection`) and the worker (`NativeConnection`).
 */
import {
  toClientOptions,
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ClientConnectConfig,
} from '@temporalio/envconfig';
import type { Settings } from './settings';

function tlsOf(settings: Settings): ClientConfigTLS | undefined {
  const base = settings.temporalBaseProfile.tls;
  const tls: ClientConfigTLS = { ...base };
  if (settings.temporalTlsCertPath) tls.clientCert = { path: settings.temporalTlsCertPath };
  if (settings.temporalTlsKeyPath) tls.clientKey = { path: settings.temporalTlsKeyPath };
  if (settings.temporalTlsCaPath) tls.serverCACert = { path: settings.temporalTlsCaPath };
  if (settings.temporalTlsServerName) tls.serverName = settings.temporalTlsServerName;
  if (settings.temporalTls !== undefined) tls.disabled = !settings.temporalTls;
  const configured =
    tls.clientCert || tls.clientKey || tls.serverCACert || tls.serverName || tls.disabled !== undefined;
  return configured ? tls : undefined;
}

/** The effective Temporal client profile (address and namespace always set). */
export function temporalProfile(settings: Settings): ClientConfigProfile & { address: string; namespace: string } {
  return {
    ...settings.temporalBaseProfile,
    address: settings.temporalAddress,
    namespace: settings.temporalNamespace,
    apiKey: settings.temporalApiKey ?? settings.temporalApiKeyFile,
    tls: tlsOf(settings),
  };
}

/** What a Temporal connection needs. */
export interface TemporalConnectConfig extends ClientConnectConfig {
  namespace: string;
}

/**
 * Connection options and namespace for `Connection.connect` (client) or
 * `NativeConnection.connect` (worker): `connectionOptions` fits both.
 */
export function temporalConnectConfig(settings: Settings): TemporalConnectConfig {
  const config = toClientOptions(temporalProfile(settings));
  return { ...config, namespace: settings.temporalNamespace };
}
