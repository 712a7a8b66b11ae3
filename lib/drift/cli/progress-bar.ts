/**
 * A progress bar on stderr while large inputs are read. Drawn only on a TTY
 * and only past PROGRESS_MIN_BYTES, at most every 100 ms, and erased before
 * anything else is printed.
 */

/** Inputs smaller than this read too fast for a progress bar to help. */
export const PROGRESS_MIN_BYTES = 32 * 2 ** 20;
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/** Where the bar is drawn. */
export interface ProgressStream {
  write(text: string): void;
}

/** Draws and erases the progress line. */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Called by the readers as bytes arrive. */
  public update(file: string, done: number, total: number | undefined): void {
    if ((total ?? done) < PROGRESS_MIN_BYTES) return;
    const now = this.clock();
    if (this.drawn && now - this.lastDraw < REDRAW_MS && done !== total) return;
    this.lastDraw = now;
    this.drawn = true;
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    if (total === undefined) {
      this.stream.write(`\r\u001b[Kreading ${file}: ${mib(done)}`);
      return;
    }
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    this.stream.write(`\r\u001b[Kreading ${file} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${mib(done)}/${mib(total)}`);
  }

  /** Erases the line if one was drawn. */
  public clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
