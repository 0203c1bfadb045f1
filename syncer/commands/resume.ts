// `slipway resume`: end a pin left by a rollback; automated sync follows the branch again (and deploys its tip).
import { CommandIO } from './output';
import { OperationCommandOptions, operationCommand } from './operation';

export function resume(o: OperationCommandOptions, io: CommandIO): Promise<number> {
  let wasPinned = false;
  return operationCommand(
    o,
    io,
    'resume',
    { resume: {} },
    {
      before: (app) => {
        wasPinned = !!app.status?.pinned;
      },
      after: (r) => (wasPinned ? undefined : `(${r.app.metadata.name} was not pinned; nothing was paused)`),
    },
  );
}
