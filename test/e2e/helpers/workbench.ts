// What a test does in the VS Code window, as a user would: run a command from F1, open a file, go to a line, open
// the Slipway container, read a view's tree rows or welcome buttons, read Problems, take a screenshot. Selectors
// are VS Code 1.100's (see the notes on end-to-end testing in code-server).
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './e2eTools';

export const SCREENSHOTS = path.join(REPO_ROOT, 'out/e2e');

export interface TreeRow {
  /** the visible text: label, then description */
  text: string;
  /** the accessible name: the tooltip when the item has one, else the label */
  ariaLabel: string;
  level: number;
}

export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
  /** the status item's text as a screen reader hears it ("Errors: 1, Warnings: 0, Infos: 2") */
  label: string;
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Runs a command by its title as the palette shows it ("Slipway: Start"). */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('F1', `>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file by its path relative to the folder (Ctrl+P) and waits for its editor. */
  async openFile(relative: string): Promise<void> {
    await this.quickInput('Control+P', relative);
    const name = path.basename(relative);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active[aria-label^="${name}"]`).waitFor({ timeout: 15_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Moves the cursor to the line (1-based) in the active editor (Ctrl+G). */
  async goToLine(line: number, column?: number): Promise<void> {
    await this.quickInput('Control+G', column ? `:${line}:${column}` : `:${line}`);
    await this.page.keyboard.press('Enter');
  }

  /** Clicks an activity-bar container (by its title) unless it is already open; waits for its first view. */
  async openContainer(title: string): Promise<void> {
    const link = `a[aria-label^="${title}"]`;
    const icon = this.page.locator(`.activitybar ${link}`);
    await icon.waitFor({ timeout: 60_000 });
    const item = this.page.locator('.activitybar li.action-item', { has: this.page.locator(link) });
    if ((await item.getAttribute('aria-expanded')) !== 'true') await icon.click();
    await this.page.locator('.sidebar .pane-header').first().waitFor({ timeout: 15_000 });
  }

  /** The views of the open sidebar container, by name as their headers show them. */
  async viewNames(): Promise<string[]> {
    return this.page
      .locator('.sidebar .pane-header h3.title')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  }

  /** The pane of a view in the sidebar, by its name (expanded by the caller if needed). */
  view(name: string): Locator {
    // by the header's title: its aria-label also holds the view's description once the view sets one
    const title = this.page.locator('h3.title', { hasText: new RegExp(`^${name}$`) });
    return this.page.locator('.sidebar .pane', { has: this.page.locator('.pane-header', { has: title }) });
  }

  /** The rows a view's tree shows now (only the rendered ones: trees are virtual). */
  async treeRows(viewName: string): Promise<TreeRow[]> {
    return this.view(viewName)
      .locator('.customview-tree .monaco-list-row[role="treeitem"]')
      .evaluateAll((rows) =>
        rows.map((r) => ({
          text: (r as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
          ariaLabel: r.getAttribute('aria-label') ?? '',
          level: Number(r.getAttribute('aria-level') ?? 0),
        })),
      );
  }

  /** Waits until a row of the view shows the text (label and description), and returns it. */
  async waitForTreeRow(viewName: string, text: string | RegExp, timeout = 15_000): Promise<Locator> {
    const row = this.view(viewName).locator('.customview-tree .monaco-list-row[role="treeitem"]', { hasText: text });
    await row.first().waitFor({ timeout });
    return row.first();
  }

  /** Runs an item of a tree row's context menu (right-click), by its title. */
  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    const entry = this.page.getByRole('menuitem', { name: item });
    // a click right after the menu opens is sometimes lost; hovering focuses the item, and Enter runs it
    await entry.hover();
    await this.page.locator('.monaco-menu .action-item.focused', { hasText: item }).waitFor({ timeout: 5_000 });
    await this.page.keyboard.press('Enter');
  }

  /** The buttons of a view's welcome text (shown while the view has nothing to show). */
  async welcomeButtons(viewName: string, timeout = 15_000): Promise<string[]> {
    const buttons = this.view(viewName).locator('.welcome-view-content .monaco-button');
    await buttons.first().waitFor({ timeout });
    return (await buttons.allInnerTexts()).map((t) => t.trim());
  }

  /** The counts the status bar's Problems item shows. */
  async problemCounts(): Promise<ProblemCounts> {
    const label = (await this.page.locator('#status\\.problems').getAttribute('aria-label', { timeout: 5_000 })) ?? '';
    const count = (kind: string): number => Number(new RegExp(`${kind}: (\\d+)`).exec(label)?.[1] ?? 0);
    return { errors: count('Errors'), warnings: count('Warnings'), infos: count('Infos'), label };
  }

  /** Waits until the Problems counts satisfy the predicate; returns them. */
  async waitForProblems(ok: (c: ProblemCounts) => boolean, timeout = 30_000): Promise<ProblemCounts> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const counts = await this.problemCounts();
      if (ok(counts)) return counts;
      if (Date.now() > deadline) throw new Error(`Problems stayed at ${JSON.stringify(counts)} for ${timeout} ms`);
      // the status item changes in place: wait for its label to change
      const selector = JSON.stringify('#status\\.problems');
      await this.page
        .waitForFunction(
          `document.querySelector(${selector})?.getAttribute('aria-label') !== ${JSON.stringify(counts.label)}`,
          undefined,
          { timeout: Math.max(1, deadline - Date.now()) },
        )
        .catch(() => undefined);
    }
  }

  /** Opens the Problems panel and returns its rows' accessible names ("Error: ... at line 8 and character 13."). */
  async problemRows(): Promise<string[]> {
    await this.page.locator('#status\\.problems').click();
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  /** Triggers completion at the cursor (Ctrl+Space) and returns the suggestion rows' accessible names. */
  async completionItems(): Promise<string[]> {
    const rows = this.page.locator('.editor-widget.suggest-widget .monaco-list-row');
    // as a user would, ask again when the list did not come (a request made while the window was busy)
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+Space');
      try {
        await rows.first().waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  /** The messages of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Saves a screenshot of the window (or of one element) as out/e2e/<name>.png; returns its path. */
  async screenshot(name: string, of?: Locator): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await (of ?? this.page).screenshot({ path: file });
    return file;
  }

  private async quickInput(key: string, text: string): Promise<void> {
    await this.page.keyboard.press(key);
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(text);
  }
}
