// Polling for the benchmarks that wait on a state they cannot watch cheaply.

/** Calls look every intervalMs until it gives a value (a rejection counts as none); throws after timeoutMs. */
export async function until<T>(
  what: string,
  look: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  intervalMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await look().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
