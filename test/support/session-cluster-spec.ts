/**
 * The session cluster `default/shared` the workflow and activity tests deploy: 2 slots a TaskManager; `replicas`
 * TaskManagers (none given: started on demand), its session jobs carried over an upgrade with `carryOver`.
 */
import { parseAppSpec, type AppSpec } from '../../src/spec';

export function sessionClusterSpec(options: { replicas?: number; carryOver?: boolean } = {}): AppSpec {
  const lines = [
    ...(options.replicas !== undefined ? [`  taskManager: {replicas: ${options.replicas}}`] : []),
    ...(options.carryOver ? ['  flinkDeploy: {upgrade: {jobs: carry-over}}'] : []),
  ];
  const parsed = parseAppSpec(`apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: shared}
spec:
  image: flink:2.3
  flinkVersion: v2_2
  flinkConfiguration: {taskmanager.numberOfTaskSlots: "2"}
${lines.join('\n')}
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}
