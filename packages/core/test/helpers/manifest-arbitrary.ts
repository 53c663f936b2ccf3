import fc from 'fast-check';

/**
 * Manifest-like values for property tests: mostly valid fields, valid fields
 * with noise inserted (the characters the rules are about, control
 * characters, lone surrogates), and anything at all, with extra keys,
 * `meta`, `description` and `engines` present or not.
 */
export function manifestArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  // Short runs of any UTF-16 unit (lone surrogates and control characters
  // included) or of the characters the rules are about.
  const noise = fc.string({
    unit: fc.oneof(
      fc.nat(0xffff).map((code) => String.fromCharCode(code)),
      fc.constantFrom('A', '.', '_', '-', '/', '\\', ':', '@', '~', ' ', '\n', '..'),
    ),
    maxLength: 3,
  });
  // Mostly valid values, valid values with noise inserted, and anything at all.
  const field = (valid: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 8, arbitrary: valid },
      {
        weight: 3,
        arbitrary: fc.tuple(valid, noise, fc.nat()).map(([text, extra, at]) => {
          const cut = at % (text.length + 1);
          return text.slice(0, cut) + extra + text.slice(cut);
        }),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    );
  const segment = fc.oneof(fc.stringMatching(/^[\w.-]{1,6}$/), fc.constantFrom('.', 'dist'));
  const fields = {
    name: field(
      fc.oneof(
        fc.stringMatching(/^(?:@[a-z0-9-][a-z0-9._-]{0,8}\/)?[a-z0-9-][a-z0-9._-]{0,20}$/),
        fc.constantFrom('x'.repeat(214), 'x'.repeat(215)),
      ),
    ),
    version: field(
      fc.stringMatching(
        /^(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})(?:-[0-9A-Za-z-]{1,4}(?:\.[0-9A-Za-z-]{1,4}){0,2})?(?:\+[0-9A-Za-z-]{1,4})?$/,
      ),
    ),
    entryPoint: field(
      fc
        .tuple(fc.constantFrom('', './'), fc.array(segment, { minLength: 1, maxLength: 4 }))
        .map(([prefix, parts]) => prefix + parts.join('/')),
    ),
    meta: fc.oneof(
      { weight: 4, arbitrary: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    ),
    description: field(fc.string()),
    engines: fc.oneof(
      { weight: 4, arbitrary: fc.record({ host: field(fc.constantFrom('^1.0.0', '>=2 <3')) }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    ),
    extra: fc.jsonValue({ maxDepth: 2 }),
  };
  return fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record(fields, { requiredKeys: ['name', 'version', 'entryPoint'] }),
    },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  );
}
