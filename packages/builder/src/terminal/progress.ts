// A progress line on a terminal: one line, rewritten in place, erased when
// the work is done. Never on a pipe: a log gets the result lines only.
import type { OutputStream } from '../output.js';

/** A progress line being shown; `stop()` erases it (idempotent). */
export interface Progress {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 80;

/**
 * Shows `text` behind a spinner on `stream` while work runs, when the stream
 * is a TTY; does nothing otherwise (whatever the color settings).
 *
 * @param stream - where to show it (stderr: stdout stays the results)
 * @param text - what is going on, e.g. `checking types…`
 */
export function startProgress(stream: OutputStream, text: string): Progress {
  if (stream.isTTY !== true) return { stop: () => undefined };
  let frame = 0;
  const draw = (): void => {
    stream.write(`\r${FRAMES[frame % FRAMES.length] ?? ''} ${text}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, INTERVAL_MS);
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // back to the start of the line, and erase it
      stream.write('\r\u001b[K');
    },
  };
}
