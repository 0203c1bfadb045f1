// Long work (parsing and checking a big file) done in slices of a few milliseconds, yielding to the
// event loop between them so that requests waiting there (completion, hover) are answered meanwhile.

/** The longest stretch of work between yields. */
export const SLICE_MS = 10;

export class TimeSlices {
  private sliceStart = performance.now();

  /** `stillWanted` says whether the work is still needed (no newer edit, no shutdown). */
  constructor(
    private readonly stillWanted: () => boolean = () => true,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** Yields when the current slice is used up; resolves false once the work is no longer wanted. */
  async pause(): Promise<boolean> {
    if (performance.now() - this.sliceStart < this.sliceMs) return true;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    return this.stillWanted();
  }
}
