// The shape of a controller that puts one object in place at start: it tries at once, and again every second
// until an attempt succeeds or the controller is stopped.
import { Controller, ControllerContext } from './controllerContext';

const RETRY_MS = 1000;

export abstract class BootstrapController implements Controller {
  abstract readonly name: string;
  private stopped = false;
  private retry?: { cancel(): void };

  /** Creates or updates the object; throws to be tried again. */
  protected abstract ensure(ctx: ControllerContext): Promise<void>;

  async start(ctx: ControllerContext): Promise<void> {
    const attempt = async (): Promise<void> => {
      try {
        await this.ensure(ctx);
      } catch {
        // the API server is starting or busy, or another writer raced this one: try again shortly
        if (!this.stopped) this.retry = ctx.clock.after(RETRY_MS, () => void attempt());
      }
    };
    await attempt();
  }

  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
  }
}
