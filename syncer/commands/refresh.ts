// `slipway refresh`: fetch the repository now (remotes), read the tip again and compare it with the cluster.
import { CommandIO } from './output';
import { OperationCommandOptions, operationCommand } from './operation';

export function refresh(o: OperationCommandOptions, io: CommandIO): Promise<number> {
  return operationCommand(o, io, 'refresh', { refresh: {} });
}
