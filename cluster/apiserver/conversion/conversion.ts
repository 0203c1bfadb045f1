// A version of a resource served by conversion from the version its objects are stored in
// (ResourceInfo.storedAs), one module per resource, as kube-apiserver converts between a resource's versions.
import type { KubeObject } from '../../../kube/objects';

export interface Conversion {
  /** the stored object as the served version shows it */
  fromStorage(stored: KubeObject): KubeObject;
  /** a served-version object (a request body, or a whole object) in the stored version */
  toStorage(served: KubeObject): KubeObject;
}
