// `slipway sync [--revision SHA]`: apply the branch tip (or the pin, or the given revision) now and report how it went.
import { CommandIO } from './output';
import { OperationCommandOptions, operationCommand } from './operation';

export interface SyncOptions extends OperationCommandOptions {
  revision?: string;
}

export function sync(o: SyncOptions, io: CommandIO): Promise<number> {
  return operationCommand(o, io, 'sync', { sync: o.revision ? { revision: o.revision } : {} });
}
