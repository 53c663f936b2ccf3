// The demo host's entry point: `npm start` at the repository root builds
// everything and runs it; `npm start -- --watch` keeps it running.
import { isAugmentError } from '@augment/core';
import { runDemo } from './demo.js';
import { USAGE, parseDemoArgs } from './options.js';

function isParseError(error: unknown): error is Error {
  return (
    error instanceof TypeError &&
    String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')
  );
}

try {
  const options = parseDemoArgs(process.argv.slice(2));
  if (options.help) console.log(USAGE);
  else await runDemo(options);
} catch (error) {
  if (isParseError(error)) console.error(`${error.message}\n\n${USAGE}`);
  else if (isAugmentError(error)) console.error(`error: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
}
