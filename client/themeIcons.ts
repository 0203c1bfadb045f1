// The models' icons (codicon id and theme colour id) as VS Code draws them.
import * as vscode from 'vscode';
import type { IconModel } from './applications/applicationModel';

export function themeIcon(icon: IconModel): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}
