// Services: a new one has an empty load balancer status; cluster IPs and node ports are allocated while it
// is written and released when it goes (../serviceAllocator.ts).
import type { Service, ServiceAllocator } from '../serviceAllocator';
import type { Strategy } from './strategy';

export function serviceStrategy(allocator: ServiceAllocator): Strategy {
  return {
    initialStatus: () => ({ loadBalancer: {} }),
    prepareForCreate: (obj, dryRun) => allocator.allocateForCreate(obj as Service, dryRun),
    abortCreate: (obj) => allocator.release(obj as Service),
    prepareForUpdate: (obj, old) => allocator.carryOver(obj as Service, old as Service),
    beforeUpdate: (obj, old, dryRun) => allocator.allocateForUpdate(obj as Service, old as Service, dryRun),
    abortUpdate: (obj) => allocator.releaseUnstored(obj as Service),
    afterDelete: (obj) => allocator.release(obj as Service),
  };
}
