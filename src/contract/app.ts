/** An application: its Kubernetes namespace and name. Pure data, imported by every layer. */
export interface AppRef {
  namespace: string;
  name: string;
}
