// `import` of the builder's and the boilerplate's APIs from the installed
// tarballs: prints the type of a few exports and the files they came from.
import { fileURLToPath } from 'node:url';
import * as builder from '@augment/builder';
import * as boilerplate from '@augment/boilerplate';

console.log(
  JSON.stringify({
    builder: fileURLToPath(import.meta.resolve('@augment/builder')),
    boilerplate: fileURLToPath(import.meta.resolve('@augment/boilerplate')),
    exports: {
      build: typeof builder.build,
      pack: typeof builder.pack,
      validate: typeof builder.validate,
      scaffold: typeof boilerplate.scaffold,
    },
  }),
);
