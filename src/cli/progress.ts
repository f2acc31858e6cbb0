/** A one-line progress bar on stderr; plain periodic lines when stderr is not a terminal (CI logs). */
export class Progress {
  private lastPrint = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    if (now - this.lastPrint < (this.stream.isTTY ? 100 : 2000) && done < this.total) return;
    this.lastPrint = now;
    const share = this.total ? Math.min(1, done / this.total) : 1;
    const text = `${this.label} ${done}/${this.total} ${extra}`.trim();
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(share * 100)}% ${text}\u001b[K`);
    } else {
      this.stream.write(`${Math.round(share * 100)}% ${text}\n`);
    }
  }

  finish(summary: string): void {
    if (this.stream.isTTY) this.stream.write('\n');
    this.stream.write(`${summary}\n`);
  }
}
