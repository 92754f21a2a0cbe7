/**
 * Reads the deployed-state record (`<app>-deploy-state`) for plan, status and history.
 * The Kubernetes client is loaded only when a command needs it.
 */
import type { Settings } from '../config/settings';
import type * as K8s from '../k8s';
import type { DeployStateRecord } from '../k8s/state-record/types';
import type { AppSpec } from '../spec/types';
import type { AppRef } from '../contract/app';
import { kubeReadError } from './kube-read-error';

/** The record of an application, or undefined when it has none (never deployed). */
export async function readDeployedRecord(
  settings: Settings,
  app: AppRef,
): Promise<DeployStateRecord<AppSpec> | undefined> {
  // Loaded lazily: validate, apply and the others don't pay for the Kubernetes client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require('../k8s') as typeof K8s;
  try {
    const kubeConfig = k8s.loadKubeConfig({ path: settings.kubeconfig, context: settings.kubeContext });
    const store = new k8s.DeployStateStore(k8s.createKubeClients(kubeConfig).core);
    const versioned = await store.readRecord<AppSpec>(app.namespace, app.name);
    return versioned?.record;
  } catch (err) {
    throw kubeReadError(`the deployed state of ${app.namespace}/${app.name}`, err);
  }
}
