// The embedded cluster's store: revisioned, durable key-value storage with watch.
export * from './types';
export { FileStore, openStore, type StoreOptions } from './fileStore';
export type { RecoveryReport } from './recovery';
export { StoreDamagedError } from './recovery';
export { repairStore, type RepairPlan } from './repair';
