// The status bar item of the current app (see statusBarModel.ts); a click focuses the Applications view.
import * as vscode from 'vscode';
import type { ApplicationsFeed } from './applications/applicationsFeed';
import { appRefOf } from './applications/applicationModel';
import { statusBarModel } from './statusBarModel';

export function registerStatusBar(context: vscode.ExtensionContext, feed: ApplicationsFeed): void {
  const item = vscode.window.createStatusBarItem('slipway.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Slipway';
  const update = () => {
    const app = feed.selected();
    const m = statusBarModel(feed.current, app, !!app && feed.busy(appRefOf(app)));
    if (!m) {
      item.hide();
      return;
    }
    item.text = m.text;
    item.tooltip = m.tooltip;
    item.command = m.command;
    item.backgroundColor = m.background ? new vscode.ThemeColor(m.background) : undefined;
    item.show();
  };
  update();
  context.subscriptions.push(item, feed.onDidChange(update));
}
