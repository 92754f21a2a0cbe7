/**
 * Where the agent keeps things on disk (`--state-dir`, `.stack/node` in the local stack):
 *
 *   pods/<ns>_<pod>/pod.json                 the pod record (uid, IP) — survives an agent restart
 *   pods/<ns>_<pod>/<container>.log          the container's stdout and stderr, all attempts
 *   pods/<ns>_<pod>/containers/<c>/process.json  pid file of the running attempt
 *   pods/<ns>_<pod>/containers/<c>/exit-code  written by the wrapper when the attempt ends
 *   pods/<ns>_<pod>/containers/<c>/flink/    the container's /opt/flink (conf, usrlib, log, ...)
 *   pods/<ns>_<pod>/volumes/<volume>/        configMap, secret, emptyDir, projected volumes
 *   hostpath/<path>/                         hostPath volumes (outlive the pod)
 *   pvc/<ns>/<claim>/                        PersistentVolumeClaim volumes (outlive the pod)
 */
import fs from 'node:fs';
import path from 'node:path';

/** The record of a pod this node runs. */
export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  ip: string;
}

/** The pid file of a running container attempt. */
export interface ProcessRecord {
  /** Pid of the wrapper, which leads the attempt's process group. */
  pid: number;
  /** Process start time (clock ticks since boot, /proc/<pid>/stat field 22): guards against pid reuse. */
  startTicks: number;
  startedAt: string;
  podUid: string;
  container: string;
}

/** Paths of one container of a pod. */
export interface ContainerPaths {
  dir: string;
  processFile: string;
  exitCodeFile: string;
  logFile: string;
  flinkHome: string;
  tmpDir: string;
}

/** The agent's on-disk layout. */
export class StateStore {
  constructor(readonly stateDir: string) {}

  /** Folder of pod `<ns>/<name>`. */
  podDir(input: { namespace: string; name: string }): string {
    return path.join(this.stateDir, 'pods', `${input.namespace}_${input.name}`);
  }

  /** Folder of a pod-scoped volume. */
  volumeDir(input: { namespace: string; name: string; volume: string }): string {
    return path.join(this.podDir(input), 'volumes', input.volume);
  }

  /** Folder that stands for host path `hostPath` (outlives pods). */
  hostPathDir(hostPath: string): string {
    return path.join(this.stateDir, 'hostpath', path.resolve('/', hostPath));
  }

  /** Folder of PersistentVolumeClaim `<ns>/<claim>` (outlives pods). */
  claimDir(input: { namespace: string; claim: string }): string {
    return path.join(this.stateDir, 'pvc', input.namespace, input.claim);
  }

  /** Paths of container `container` of pod `<ns>/<name>`. */
  containerPaths(input: { namespace: string; name: string; container: string }): ContainerPaths {
    const podDir = this.podDir(input);
    const dir = path.join(podDir, 'containers', input.container);
    return {
      dir,
      processFile: path.join(dir, 'process.json'),
      exitCodeFile: path.join(dir, 'exit-code'),
      logFile: path.join(podDir, `${input.container}.log`),
      flinkHome: path.join(dir, 'flink'),
      tmpDir: path.join(dir, 'tmp'),
    };
  }

  /** Writes the pod record. */
  writePod(record: PodRecord): void {
    const dir = this.podDir(record);
    fs.mkdirSync(dir, { recursive: true });
    writeJsonAtomic(path.join(dir, 'pod.json'), record);
  }

  /** All pod records left on disk. */
  readPods(): PodRecord[] {
    const root = path.join(this.stateDir, 'pods');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).flatMap((entry) => {
      const record = readJson<PodRecord>(path.join(root, entry, 'pod.json'));
      return record ? [record] : [];
    });
  }

  /** The pid files of a pod's containers. */
  readProcesses(pod: { namespace: string; name: string }): ProcessRecord[] {
    const root = path.join(this.podDir(pod), 'containers');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).flatMap((container) => {
      const record = readJson<ProcessRecord>(this.containerPaths({ ...pod, container }).processFile);
      return record ? [record] : [];
    });
  }

  /** Forgets a finished pod: removes its record, containers and pod-scoped volumes; keeps the logs. */
  removePod(pod: { namespace: string; name: string }): void {
    const dir = this.podDir(pod);
    for (const sub of ['containers', 'volumes']) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'pod.json'), { force: true });
  }
}

/** Writes JSON through a temporary file, so readers never see half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

/** Reads a JSON file, or undefined if it is missing or unreadable. */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
