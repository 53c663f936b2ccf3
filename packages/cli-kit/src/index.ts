export { colorsEnabled, setColorFlag } from './colors.js';
export type { OutputStream } from './colors.js';
export { createOutput, usageErrorWriter } from './output.js';
export type { Output, Style } from './output.js';
export { ignoreClosedPipes } from './closed-pipes.js';
export type { ErrorEmitter } from './closed-pipes.js';
export { displayPath, shellQuote } from './paths.js';
export { plural } from './text.js';
export { readPackageVersion } from './version.js';
