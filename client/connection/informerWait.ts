// Waiting for an object to reach a state, on the informer's events rather than by asking the server again.
import type { Informer } from '../../kubeclient/informer';

/**
 * Resolves with the first value `test` returns that is not undefined, for the cached objects now and then for
 * every added or changed one; rejects with `what` after timeoutMs.
 */
export function whenObject<T>(
  informer: Informer,
  test: (obj: unknown) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const handlers = {
      add: (o: unknown) => offer(o),
      update: (o: unknown) => offer(o),
    };
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      informer.off(handlers);
    };
    const offer = (o: unknown): void => {
      if (done) return;
      let v: T | undefined;
      try {
        v = test(o);
      } catch (e) {
        finish();
        reject(e);
        return;
      }
      if (v === undefined) return;
      finish();
      resolve(v);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`));
    }, timeoutMs);
    informer.on(handlers);
    void informer.waitForSync().then(() => {
      for (const o of informer.list()) offer(o);
    });
  });
}
