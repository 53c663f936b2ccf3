import fc from 'fast-check';

/**
 * Manifest-like values for property tests: mostly valid fields, valid fields
 * with noise inserted (the characters the rules are about, control
 * characters, lone surrogates), and anything at all, with extra keys,
 * `meta`, `description`, `engines` and the dependency fields present or not.
 * The dependency fields hold valid and broken names (`__proto__` included)
 * and ranges; now and then a plugin names itself, or a name is in both.
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
  const validName = fc.stringMatching(
    /^(?:@[a-z0-9-][a-z0-9._-]{0,8}\/)?[a-z0-9-][a-z0-9._-]{0,20}$/,
  );
  // Mostly valid, so that the fast path still sees many valid manifests.
  const dependencyName = fc.oneof(
    { weight: 16, arbitrary: validName },
    { weight: 1, arbitrary: field(validName) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'My-Plugin', '', '_x', '@scope/', 'x'.repeat(215)),
    },
  );
  const range = fc.oneof(
    { weight: 16, arbitrary: fc.constantFrom('^1.2.0', '>=1 <3', '*', '1.x', '~2.0.0-beta.1', '') },
    { weight: 1, arbitrary: field(fc.constantFrom('latest', '1.2.3.4', '^1.0.0')) },
  );
  const dependencies = fc.oneof(
    {
      weight: 16,
      arbitrary: fc
        .array(fc.tuple(dependencyName, range), { maxLength: 3 })
        .map((entries) =>
          Object.fromEntries(
            entries.map(([key, value]) => [
              typeof key === 'string' ? key : JSON.stringify(key),
              value,
            ]),
          ),
        ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
  const segment = fc.oneof(fc.stringMatching(/^[\w.-]{1,6}$/), fc.constantFrom('.', 'dist'));
  const fields = {
    name: field(fc.oneof(validName, fc.constantFrom('x'.repeat(214), 'x'.repeat(215)))),
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
    pluginDependencies: dependencies,
    optionalPluginDependencies: dependencies,
    extra: fc.jsonValue({ maxDepth: 2 }),
  };
  const manifest = fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record(fields, { requiredKeys: ['name', 'version', 'entryPoint'] }),
    },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  );
  return fc
    .tuple(manifest, fc.noBias(fc.nat(19)), range)
    .map(([value, twist, extraRange]) => linkDependencies(value, twist, extraRange));
}

/**
 * Makes the rules across fields come up: `twist` 0 adds the plugin's own name
 * to `pluginDependencies`, 1 to `optionalPluginDependencies`, 2 copies a key
 * of `pluginDependencies` into `optionalPluginDependencies`; from 16 on, both
 * fields are removed (most plugins have no dependencies); otherwise the
 * manifest is returned as it is. Returns a new object.
 */
function linkDependencies(
  value: Record<string, unknown>,
  twist: number,
  range: unknown,
): Record<string, unknown> {
  const { name, pluginDependencies, optionalPluginDependencies } = value;
  const isMap = (map: unknown): map is Record<string, unknown> =>
    typeof map === 'object' && map !== null && !Array.isArray(map);
  const add = (map: unknown, key: unknown): Record<string, unknown> =>
    Object.fromEntries([...Object.entries(isMap(map) ? map : {}), [String(key), range]]);
  if (twist === 0 && typeof name === 'string') {
    return { ...value, pluginDependencies: add(pluginDependencies, name) };
  }
  if (twist === 1 && typeof name === 'string') {
    return { ...value, optionalPluginDependencies: add(optionalPluginDependencies, name) };
  }
  const shared = isMap(pluginDependencies) ? Object.keys(pluginDependencies)[0] : undefined;
  if (twist === 2 && shared !== undefined) {
    return { ...value, optionalPluginDependencies: add(optionalPluginDependencies, shared) };
  }
  if (twist >= 16) {
    return Object.fromEntries(
      Object.entries(value).filter(
        ([key]) => key !== 'pluginDependencies' && key !== 'optionalPluginDependencies',
      ),
    );
  }
  return value;
}
