import { formatDuration } from '../args/duration';
import { OutputStream } from '../terminal/Io';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;
/** Plain output repeats the state this often, so that CI systems see the job is alive. */
const HEARTBEAT_MS = 60_000;

/** What a wait shows about the instance it polls. */
export interface ProgressState {
  status: string;
  detail?: string;
}

/** Shows the progress of a wait: a spinner on a terminal, a line per change otherwise. */
export interface Progress {
  update(state: ProgressState): void;
  /** Removes the spinner line; plain output needs no cleanup. */
  stop(): void;
}

function describe(label: string, state: ProgressState): string {
  return `${label}: ${state.status}${state.detail ? ` - ${state.detail}` : ''}`;
}

class SpinnerProgress implements Progress {
  readonly #stream: OutputStream;
  readonly #label: string;
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #frame = 0;
  #state: ProgressState = { status: 'checking' };

  constructor(stream: OutputStream, label: string) {
    this.#stream = stream;
    this.#label = label;
    this.#timer = setInterval(() => this.#render(), FRAME_MS);
    this.#timer.unref();
    this.#render();
  }

  update(state: ProgressState): void {
    this.#state = state;
    this.#render();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#stream.write('\r\x1b[2K');
  }

  #render() {
    this.#frame = (this.#frame + 1) % FRAMES.length;
    // Whole seconds: a ticking millisecond count is noise.
    const seconds = Math.floor((Date.now() - this.#started) / 1000);
    const elapsed = seconds === 0 ? '0s' : formatDuration(seconds * 1000);
    const line = `${FRAMES[this.#frame]} ${describe(
      this.#label,
      this.#state,
    )} (${elapsed})`;
    // A wrapped line cannot be redrawn with \r, so keep it inside the terminal's width.
    // Some pseudo-terminals report 0 columns; assume the classic 80 then.
    const width = (this.#stream.columns || 80) - 1;
    this.#stream.write(
      `\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`,
    );
  }
}

class LineProgress implements Progress {
  readonly #stream: OutputStream;
  readonly #label: string;
  readonly #started = Date.now();
  #last?: string;
  #lastWrittenAt = 0;

  constructor(stream: OutputStream, label: string) {
    this.#stream = stream;
    this.#label = label;
  }

  update(state: ProgressState): void {
    const line = describe(this.#label, state);
    const now = Date.now();
    if (line !== this.#last) {
      this.#stream.write(`${line}\n`);
    } else if (now - this.#lastWrittenAt >= HEARTBEAT_MS) {
      this.#stream.write(
        `${line} (still waiting after ${formatDuration(
          now - this.#started,
        )})\n`,
      );
    } else {
      return;
    }
    this.#last = line;
    this.#lastWrittenAt = now;
  }

  stop(): void {}
}

export function createProgress(stream: OutputStream, label: string): Progress {
  return stream.isTTY
    ? new SpinnerProgress(stream, label)
    : new LineProgress(stream, label);
}
