// `slipway status`: the Application's state (the view `slipway up` prints) and its latest history entries.
import { Application, APPLICATION_API_VERSION, APPLICATION_KIND } from '../../kube/application';
import { historyTable } from './history';
import { CommandIO, json, OutputFormat } from './output';
import { describeStatus } from './statusText';
import { connect, findApp, TargetOptions } from './target';

export interface StatusOptions extends TargetOptions {
  output: OutputFormat;
  watch?: boolean;
  /** history entries shown (text) */
  historyEntries?: number;
}

function render(app: Application, o: StatusOptions, width?: number): string {
  if (o.output === 'json') return json(app.status ?? {});
  const lines = [describeStatus(app)];
  const op = app.spec?.operation;
  if (op && Object.keys(op).some((k) => k !== 'initiatedBy'))
    lines.push(`  requested, not yet carried out: ${JSON.stringify(op)}`);
  lines.push('', historyTable(app, o.historyEntries ?? 5, width));
  return lines.join('\n');
}

export async function status(o: StatusOptions, io: CommandIO): Promise<number> {
  const t = connect(o);
  const app = await findApp(t, o).catch((e) => {
    t.client.close();
    throw e;
  });
  if (!o.watch) {
    t.client.close();
    io.out(render(app, o, io.columns?.()));
    return 0;
  }
  // follow: print again whenever what is shown changes, until SIGINT
  let last = render(app, o, io.columns?.());
  io.out(last);
  const type = (await t.client.resourceType(APPLICATION_API_VERSION, APPLICATION_KIND))!;
  return new Promise<number>((resolve) => {
    const informer = t.client.informer(type, { namespace: app.metadata.namespace }, (event, obj: Application) => {
      if (obj.metadata.name !== app.metadata.name) return;
      const text = event === 'DELETED' ? `${obj.metadata.name}: deleted` : render(obj, o, io.columns?.());
      if (text === last) return;
      last = text;
      io.out(o.output === 'json' ? text : `\n${text}`);
    });
    informer.start();
    const stop = () => {
      informer.stop();
      t.client.close();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
