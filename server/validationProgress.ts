// A long validation shows in the editor as progress (the file's name, how many documents are checked),
// so a user sees the server working rather than stuck; short ones show nothing.

import { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';

/** Validations that end sooner than this show no progress. */
export const SHOW_PROGRESS_AFTER_MS = 300;

export class ValidationProgress {
  private readonly timer: NodeJS.Timeout;
  private reporter: WorkDoneProgressServerReporter | undefined;
  private ended = false;
  private percent = 0;
  private message = '';

  constructor(connection: Connection, title: string) {
    this.timer = setTimeout(() => {
      // a client without window.workDoneProgress gets a reporter that sends nothing
      connection.window.createWorkDoneProgress().then(
        (reporter) => {
          reporter.begin(title, this.percent, this.message);
          if (this.ended) reporter.done();
          else this.reporter = reporter;
        },
        () => undefined,
      );
    }, SHOW_PROGRESS_AFTER_MS);
  }

  report(checked: number, total: number): void {
    const percent = Math.floor((checked * 100) / Math.max(1, total));
    if (percent === this.percent) return;
    this.percent = percent;
    this.message = `${checked} of ${total} documents`;
    this.reporter?.report(percent, this.message);
  }

  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.reporter?.done();
    this.reporter = undefined;
  }
}
