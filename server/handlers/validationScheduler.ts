// Diagnostics: when each open document is validated and what is published. Edits are debounced per document;
// validations run one at a time (a second loop takes opened or edited documents while a long check runs), opened
// or edited documents first, in the order they came, and re-checks that another file caused after them, so each
// document's diagnostics go out as soon as it is done rather than all together at the end of a burst of opens.
// A validation runs in time slices and stops when a newer version of its document arrives (or the server shuts
// down); diagnostics go out with the version they judged, only when they changed for re-checks; and the first
// validations wait (briefly) for the workspace scan so references are complete.
// An opened or edited document's text enters the workspace index when it is queued, not when its turn comes: a
// burst of opens is then whole in the index before the first check looks across files, so the workspace's views
// are built once for the burst rather than once per file. A re-check is skipped when neither the document nor the
// workspace changed since its last check: each content version is checked once, and again only for what others
// changed.

import { Diagnostic } from 'vscode-languageserver';
import { validateFile } from '../diagnostics/validateFile';
import { Settings } from '../settings';
import { TimeSlices } from '../timeSlices';
import { ValidationProgress } from '../validationProgress';
import { guard, normalizeUri, ServerContext } from './serverContext';

/** Debounce of validation while a document changes; opening validates at once. */
export const CHANGE_DELAY_MS = 5;
/** Debounce of re-checking the other open documents after one changed what they may see. */
const WORKSPACE_DELAY_MS = 30;
/** How long the first validation waits for the workspace scan before it goes ahead. */
const SCAN_WAIT_MS = 1500;
/** A document being edited is not held back by a long check of another one: it gets a loop of its own. */
const MAX_WORKERS = 2;

export class ValidationScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** the diagnostics last sent per document, as JSON */
  private readonly published = new Map<string, string>();
  /** per document, the version and workspace stamp its last finished check judged */
  private readonly judged = new Map<string, { version: number; stamp: string }>();
  /** per document, its last change (WorkspaceIndex.lastChange) the other open documents were re-checked for */
  private readonly announced = new Map<string, number>();
  private othersTimer?: NodeJS.Timeout;
  /** documents waiting for a validation: opened or edited ones, and re-checks another file caused */
  private readonly edited = new Set<string>();
  private readonly rechecks = new Set<string>();
  /** validation loops running: one, and a second for opened or edited documents while a long check runs */
  private workers = 0;
  private scanning: Promise<void> = Promise.resolve();
  private scanned = true;
  private validatedBeforeScan = false;
  private scanWait?: Promise<unknown>;
  /** work run a step at a time while no validation runs or waits (see whenIdle) */
  private idleSteps?: Iterator<unknown>;
  private idleStep?: NodeJS.Immediate;

  constructor(
    private readonly ctx: ServerContext,
    private readonly settings: () => Settings,
  ) {}

  /** Validates `uri` after `delay` ms, replacing a validation of it already waiting. */
  schedule(uri: string, delay: number): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.enqueue(uri, false);
      }, delay),
    );
  }

  /** Every open document again (settings, CRDs or workspace files changed). */
  revalidateAll(): void {
    for (const d of this.ctx.documents.all()) this.schedule(d.uri, 0);
  }

  /** Other open documents may see what changed (references, selectors, CRDs): check them again. */
  scheduleOthers(except?: string): void {
    clearTimeout(this.othersTimer);
    this.othersTimer = setTimeout(() => {
      this.othersTimer = undefined;
      this.recheckOpen(except);
    }, WORKSPACE_DELAY_MS);
  }

  private recheckOpen(except?: string): void {
    for (const d of this.ctx.documents.all()) {
      if (d.uri !== except && !this.timers.has(d.uri)) this.enqueue(d.uri, true);
    }
  }

  /** The workspace is being read: validations wait for it, and those that could not wait run again after it. */
  waitFor(scan: Promise<void>): void {
    this.scanned = false;
    this.scanWait = undefined;
    this.scanning = scan.finally(() => {
      this.scanned = true;
      // only what the scan added can change: a re-check, published when it differs
      if (this.validatedBeforeScan) this.recheckOpen();
    });
  }

  /**
   * Runs `steps` one at a time while no validation runs or waits: work that speeds up later validations must
   * not delay diagnostics by more than one step (a document opened meanwhile is validated next).
   */
  whenIdle(steps: Iterator<unknown>): void {
    this.idleSteps = steps;
    this.stepWhenIdle();
  }

  private stepWhenIdle(): void {
    if (this.idleStep || !this.idleSteps) return;
    this.idleStep = setImmediate(() => {
      this.idleStep = undefined;
      const steps = this.idleSteps;
      // drain() takes the steps up again once the validations are done
      if (!steps || this.ctx.shuttingDown || this.workers > 0 || this.timers.size > 0) return;
      let done = true;
      try {
        done = !!steps.next().done;
      } catch (e) {
        this.ctx.log(`idle work failed: ${(e as Error).stack ?? e}`);
      }
      if (done) this.idleSteps = undefined;
      else this.stepWhenIdle();
    });
  }

  /** A document closed: nothing of it is pending or published any more. */
  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.edited.delete(uri);
    this.rechecks.delete(uri);
    this.published.delete(uri);
    this.judged.delete(uri);
    this.announced.delete(uri);
    void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.othersTimer);
    clearImmediate(this.idleStep);
    this.idleSteps = undefined;
  }

  private enqueue(uri: string, recheck: boolean): void {
    if (recheck) {
      if (!this.edited.has(uri)) this.rechecks.add(uri);
    } else {
      this.rechecks.delete(uri);
      this.edited.add(uri);
      this.admit(uri);
    }
    if (this.workers === 0 || (!recheck && this.workers < MAX_WORKERS)) void this.drain();
  }

  /** Puts a document's current text into the workspace index (parsed when needed); others may see the change. */
  private admit(uri: string): void {
    const { ctx } = this;
    const doc = ctx.documents.get(uri);
    if (!doc) return;
    guard(ctx, 'indexing ' + uri, undefined, () => ctx.index.setText(normalizeUri(uri), doc.getText(), true));
    if (this.changedForOthers(uri)) this.scheduleOthers(uri);
  }

  /**
   * Whether the document changed what other documents see since they were last re-checked for it. Asked of the
   * index, not by comparing stamps around our own indexing: a request (hover, completion) may have put the edited
   * text into the index before the edit's validation came to it.
   */
  private changedForOthers(uri: string): boolean {
    const change = this.ctx.index.lastChange(normalizeUri(uri));
    if (change === 0 || this.announced.get(uri) === change) return false;
    this.announced.set(uri, change);
    return true;
  }

  /** Validates the waiting documents one by one until none is left. */
  private async drain(): Promise<void> {
    this.workers++;
    try {
      while (!this.ctx.shuttingDown) {
        const next = first(this.edited) ?? first(this.rechecks);
        if (next === undefined) break;
        const recheck = !this.edited.delete(next);
        this.rechecks.delete(next);
        await this.validate(next, recheck);
      }
    } finally {
      this.workers--;
    }
    if (this.workers === 0) this.stepWhenIdle();
  }

  private async validate(uri: string, onlyIfChanged: boolean): Promise<void> {
    const { ctx } = this;
    if (!this.scanned) {
      // a huge workspace must not hold back the first diagnostics for long; they are redone after the scan
      // one wait for all: validations run one after another, each must not wait its own SCAN_WAIT_MS
      this.scanWait ??= Promise.race([this.scanning, new Promise((resolve) => setTimeout(resolve, SCAN_WAIT_MS))]);
      await this.scanWait;
      if (!this.scanned) this.validatedBeforeScan = true;
    }
    const doc = ctx.documents.get(uri);
    if (!doc || ctx.shuttingDown) return;
    const version = doc.version;
    const key = normalizeUri(uri);
    const last = this.judged.get(uri);
    if (onlyIfChanged && last?.version === version && last.stamp === ctx.index.stamp()) return;
    // a big file is parsed and checked in slices: requests are answered in between, a newer edit stops it
    const slices = new TimeSlices(() => ctx.documents.get(uri)?.version === version && !ctx.shuttingDown);
    const name = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
    const progress = new ValidationProgress(ctx.connection, `Checking ${name}`);
    let diagnostics: Diagnostic[] | undefined;
    let changedOthers = false;
    let stamp = '';
    try {
      const file = await ctx.index.setTextInSlices(key, doc.getText(), slices);
      stamp = ctx.index.stamp();
      changedOthers = this.changedForOthers(uri);
      const report = (checked: number, total: number): void => progress.report(checked, total);
      diagnostics = file && (await validateFile(key, file, ctx.index, this.settings(), slices, report));
    } catch (e) {
      ctx.log(`validation of ${uri} failed: ${(e as Error).stack ?? e}`);
      diagnostics = [];
    } finally {
      progress.end();
    }
    if (!diagnostics) return;
    this.judged.set(uri, { version, stamp });
    const json = JSON.stringify(diagnostics);
    if (!(onlyIfChanged && this.published.get(uri) === json)) {
      this.published.set(uri, json);
      void ctx.connection.sendDiagnostics({ uri, version, diagnostics });
    }
    if (changedOthers) this.scheduleOthers(uri);
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const v of set) return v;
  return undefined;
}
