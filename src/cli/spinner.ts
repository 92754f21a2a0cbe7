/** A one-line spinner on stderr, only when stderr is a terminal. */
import type { TextStream } from './io';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner that redraws one line; `clear()` before printing anything else. */
export class Spinner {
  private timer?: NodeJS.Timeout;
  private frame = 0;
  private text = '';

  constructor(private readonly stream: TextStream) {}

  /** Shows (or updates) the spinner with this text. */
  update(text: string): void {
    this.text = text;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  /** Erases the line; the next update shows it again. */
  clear(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.stream.write('\r\x1b[2K');
    }
  }

  private draw(): void {
    this.frame = (this.frame + 1) % frames.length;
    this.stream.write(`\r\x1b[2K${frames[this.frame]} ${this.text}`);
  }
}
