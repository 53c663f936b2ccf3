import validRange from 'semver/ranges/valid.js';
import * as z from 'zod/mini';
import { createDependenciesSchema } from './plugin-dependencies.js';
import { NAME_MAX_LENGTH, NAME_PATTERN, abortWith, pluginNameChecks } from './plugin-name.js';

export { NAME_MAX_LENGTH, NAME_PATTERN };

/** The name of the manifest file at the root of every plugin directory. */
export const MANIFEST_FILE = 'plugin.manifest.json';

const SCHEMA_ID = 'urn:augment:plugin-manifest:1';

/** The regular expression published on semver.org for SemVer 2.0.0. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/u;

/** An entry point has no `..` segment, whatever the separator. */
export const NO_DOTDOT_SEGMENT = /^(?!(?:[\s\S]*[/\\])?\.\.(?:[/\\]|$))/u;

/** No C0 or C1 control character (NUL, newline, DEL …) anywhere. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/u;

/** A required string: its own message when missing, another when of the wrong type. */
function requiredString(example: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `is required: add ${example}`
        : `must be a string like ${example}`,
  });
}

/** Attaches JSON Schema keywords (`description`, `examples`, `title`) to `schema`. */
function describe<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  z.globalRegistry.add(schema, meta);
  return schema;
}

/**
 * Builds the rules of `plugin.manifest.json` as a zod 4 (mini) schema: the
 * one source of truth for `validateManifest` and {@link getManifestJsonSchema}.
 * Every rule except the semver range checks (`engines.host`, the values of
 * the dependency fields) is a plain pattern, type or length that JSON Schema
 * can express. The rules across fields (a plugin naming itself, a name in
 * both dependency fields) are `crossFieldIssues`, which `validateManifest`
 * applies as well. Unknown top-level keys pass through.
 */
function createManifestSchema() {
  return describe(
    z.looseObject(
      {
        name: describe(requiredString('"name": "my-plugin"').check(...pluginNameChecks()), {
          description: "npm-style package name, unique among the host's plugins.",
          examples: ['my-plugin', '@acme/my-plugin'],
        }),
        version: describe(
          requiredString('"version": "1.0.0"').check(
            z.regex(SEMVER_PATTERN, {
              error:
                'must be a semantic version like "1.0.0" or "2.1.0-beta.1" (three numbers, no "v" prefix, no leading zeros)',
            }),
          ),
          { description: 'Semantic version of the plugin.', examples: ['1.0.0'] },
        ),
        entryPoint: describe(
          requiredString('"entryPoint": "./dist/index.js"').check(
            z.minLength(
              1,
              abortWith('must not be empty: use a relative path like "./dist/index.js"'),
            ),
            z.regex(NO_CONTROL_CHARACTERS, abortWith('must not contain control characters')),
            z.regex(
              /^(?![/\\])/u,
              abortWith(
                'must be relative to the plugin directory like "./dist/index.js", not absolute',
              ),
            ),
            z.regex(/^(?![A-Za-z]:)/u, abortWith('must not start with a drive letter like "C:"')),
            z.regex(
              NO_DOTDOT_SEGMENT,
              abortWith('must stay inside the plugin directory: remove every ".." segment'),
            ),
            z.regex(/^[^\\]*$/u, { error: 'must use forward slashes ("/"), not backslashes' }),
          ),
          {
            description:
              'Entry module, relative to the plugin directory, with forward slashes and no "..".',
            examples: ['./dist/index.js'],
          },
        ),
        meta: describe(
          z._default(
            z.record(z.string(), z.unknown(), {
              error: 'must be an object (use {} when there is nothing to say)',
            }),
            () => ({}),
          ),
          { description: 'Host-specific data, checked by the host. Defaults to {}.' },
        ),
        description: describe(z.optional(z.string({ error: 'must be a string' })), {
          description: 'One-line description for humans.',
        }),
        engines: describe(
          z.optional(
            z.looseObject(
              {
                host: describe(
                  z.optional(
                    z.string({ error: 'must be a string with a semver range like "^1.0.0"' }).check(
                      z.refine((range: string) => validRange(range) !== null, {
                        error: 'must be a valid semver range like "^1.0.0" or ">=1.2 <3"',
                      }),
                    ),
                  ),
                  { description: 'semver range of host versions this plugin works with.' },
                ),
              },
              { error: 'must be an object like {"host": "^1.0.0"}' },
            ),
          ),
          { description: 'Version ranges this plugin supports.' },
        ),
        pluginDependencies: createDependenciesSchema('pluginDependencies'),
        optionalPluginDependencies: createDependenciesSchema('optionalPluginDependencies'),
      },
      {
        error:
          'must be a JSON object like {"name": "my-plugin", "version": "1.0.0", "entryPoint": "./dist/index.js"}',
      },
    ),
    {
      title: 'Augment plugin manifest',
      description: `The ${MANIFEST_FILE} file at the root of an Augment plugin.`,
    },
  );
}

/** The zod schema of a manifest, as {@link createManifestSchema} builds it. */
export type ManifestSchema = ReturnType<typeof createManifestSchema>;

let manifestSchema: ManifestSchema | undefined;

/**
 * The zod schema of `plugin.manifest.json`, built on the first call (building
 * it takes milliseconds, which importing the package should not pay) and
 * reused. Internal: not exported from the package, since it is made with a
 * private, bundled copy of zod.
 */
export function getManifestSchema(): ManifestSchema {
  manifestSchema ??= createManifestSchema();
  return manifestSchema;
}

/**
 * A JSON Schema document (draft 2020-12), deeply frozen. Typed loosely on
 * purpose: pass it to a JSON Schema validator or write it out as JSON.
 */
export interface ManifestJsonSchema {
  /** The JSON Schema dialect, `https://json-schema.org/draft/2020-12/schema`. */
  readonly $schema?: string;
  /** `urn:augment:plugin-manifest:1`. */
  readonly $id?: string;
  /** Short name of the document. */
  readonly title?: string;
  /** What the document describes. */
  readonly description?: string;
  /** The schema of each known top-level key of a manifest. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Any other JSON Schema keyword (`type`, `required`, …). */
  readonly [keyword: string]: unknown;
}

let jsonSchema: ManifestJsonSchema | undefined;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The `"$schema"` key a manifest may hold: known to editors, ignored by the host. */
const SCHEMA_KEY_RULE = {
  type: 'string',
  description: 'The JSON Schema editors check this file against (this one).',
  examples: ['./node_modules/@augment/core/schema/plugin.manifest.schema.json'],
};

/**
 * JSON Schema (draft 2020-12) of `plugin.manifest.json`, generated from the
 * same rules as `validateManifest` on the first call, then frozen and reused.
 * Published as `@augment/core/plugin.manifest.schema.json`, so a manifest can
 * point its `"$schema"` key at it for editor help. On the known keys it
 * accepts exactly what `validateManifest` accepts, except that it cannot check
 * that `engines.host` and the values of `pluginDependencies` /
 * `optionalPluginDependencies` are valid semver ranges, that a plugin does not
 * depend on itself, nor that a name is in only one of the two. It is stricter on purpose about
 * the rest: an unknown top-level key (a typo such as `"descripton"`) is an
 * error in the editor (`additionalProperties: false`, with `"$schema"` allowed),
 * while `validateManifest` keeps such keys so that a host loads manifests
 * written for a newer version (free-form data belongs in `meta`).
 *
 * @returns the same frozen object on every call
 */
export function getManifestJsonSchema(): ManifestJsonSchema {
  if (jsonSchema === undefined) {
    const { $schema, title, description, properties, ...rules } = z.toJSONSchema(
      getManifestSchema(),
      { target: 'draft-2020-12', io: 'input' },
    );
    jsonSchema = deepFreeze({
      $schema,
      $id: SCHEMA_ID,
      title,
      description,
      ...rules,
      properties: { $schema: SCHEMA_KEY_RULE, ...properties },
      additionalProperties: false,
    });
  }
  return jsonSchema;
}
