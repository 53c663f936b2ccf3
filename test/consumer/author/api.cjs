// `require` of the builder's and the boilerplate's APIs from the installed
// tarballs: prints the type of a few exports and the files they came from.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is the point */
'use strict';
const builder = require('@augment/builder');
const boilerplate = require('@augment/boilerplate');

console.log(
  JSON.stringify({
    builder: require.resolve('@augment/builder'),
    boilerplate: require.resolve('@augment/boilerplate'),
    exports: {
      build: typeof builder.build,
      pack: typeof builder.pack,
      validate: typeof builder.validate,
      scaffold: typeof boilerplate.scaffold,
    },
  }),
);
