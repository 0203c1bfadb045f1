// `slipway rollback ID [--git]`: deploy what history entry ID deployed. Without --git the app is pinned there and
// automated sync pauses until `slipway resume`; with --git a revert commit on the branch makes it permanent.
import { Application } from '../../kube/application';
import { CommandError, CommandIO, short } from './output';
import { OperationCommandOptions, operationCommand } from './operation';

export interface RollbackOptions extends OperationCommandOptions {
  id: string;
  git: boolean;
}

function historyIds(app: Application): string {
  const h = app.status?.history ?? [];
  return h.length
    ? h.map((e) => `#${e.id} ${short(e.revision)} ${e.subject}`).join('\n  ')
    : '(none: nothing has been synced yet)';
}

export function rollback(o: RollbackOptions, io: CommandIO): Promise<number> {
  const id = Number(o.id.replace(/^#/, ''));
  if (!Number.isInteger(id) || id < 1)
    throw new CommandError(`rollback takes a history ID (a number from \`slipway history\`), got ${o.id}`, 2);
  return operationCommand(
    o,
    io,
    `rollback ${id}${o.git ? ' --git' : ''}`,
    { rollback: { id, ...(o.git ? { git: true } : {}) } },
    {
      before: (app) => {
        if (!(app.status?.history ?? []).some((h) => h.id === id)) {
          throw new CommandError(`${app.metadata.name} has no history entry #${id}. Entries:\n  ${historyIds(app)}`, 1);
        }
      },
      after: (r) => {
        if (o.git || r.state.phase !== 'Succeeded' || !r.app.status?.pinned) return undefined;
        const bar = '!'.repeat(78);
        return [
          '',
          bar,
          `!! AUTOMATED SYNC IS PAUSED: ${r.app.metadata.name} is pinned to history #${r.app.status.pinned.id} (${short(r.app.status.pinned.revision)}).`,
          '!! New commits are NOT deployed until you run `slipway resume`.',
          '!! (`slipway rollback ID --git` instead commits a revert, and sync goes on.)',
          bar,
        ].join('\n');
      },
    },
  );
}
