// The user's settings: read at initialize, asked for with workspace/configuration when the client answers it,
// else taken from didChangeConfiguration; a change validates the open documents again.

import { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, readSettings, sameSettings, Settings } from '../settings';

export class SettingsHandlers {
  private current: Settings = DEFAULT_SETTINGS;
  /** what initializationOptions said: the base the client's configuration is read over */
  private initial: Settings = DEFAULT_SETTINGS;
  private configurationSupported = false;

  constructor(
    private readonly connection: Connection,
    private readonly changed: () => void,
  ) {}

  get settings(): Settings {
    return this.current;
  }

  /** From initialize: the initial settings, and whether the client answers workspace/configuration. */
  initialize(initializationOptions: unknown, configurationSupported: boolean): void {
    this.configurationSupported = configurationSupported;
    const options = initializationOptions as { settings?: unknown } | undefined;
    this.initial = readSettings(options?.settings ?? options, DEFAULT_SETTINGS);
    this.current = this.initial;
  }

  /** The client is ready: ask it for the settings (a connection has one onInitialized handler: the server's). */
  initialized(): void {
    if (this.configurationSupported) void this.refresh();
  }

  register(): void {
    this.connection.onDidChangeConfiguration((params) => {
      void this.refresh(params.settings);
    });
  }

  private async refresh(pushed?: unknown): Promise<void> {
    let next = this.current;
    if (this.configurationSupported) {
      try {
        const section = await this.connection.workspace.getConfiguration('slipway');
        next = readSettings(section, this.initial);
      } catch {
        next = pushed !== undefined ? readSettings(pushed, this.initial) : this.current;
      }
    } else if (pushed !== undefined) {
      next = readSettings(pushed, this.initial);
    }
    if (!sameSettings(next, this.current)) {
      this.current = next;
      this.changed();
    }
  }
}
