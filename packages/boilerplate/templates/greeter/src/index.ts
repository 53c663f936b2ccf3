import type { Greeter } from './types.js';

/**
 * The plugin: the default export is what the host loads and checks against
 * its signature. Everything imported here (and every package in
 * "dependencies") is bundled into dist/index.js by `npm run build`.
 */
const greeter: Greeter = {
  greet(name) {
    return `Hello, ${name}!`;
  },
};

export default greeter;
