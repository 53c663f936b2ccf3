/** The tones a greeter may have: the values of {@link GreeterMeta.kind}. */
export const GREETER_KINDS = Object.freeze(['formal', 'casual', 'playful'] as const);

/** One of {@link GREETER_KINDS}. */
export type GreeterKind = (typeof GREETER_KINDS)[number];

/** The lowest and highest {@link GreeterMeta.priority}. */
export const PRIORITY_RANGE = Object.freeze({ min: 0, max: 100 } as const);

/**
 * What the example host expects in each greeter's `plugin.manifest.json`
 * under `"meta"`. The host checks it before it imports the plugin, so a
 * plugin with a bad `meta` costs no import. Other keys are allowed and kept.
 *
 * @example
 * ```json
 * "meta": { "kind": "casual", "priority": 50 }
 * ```
 */
export interface GreeterMeta {
  /** The greeting's tone. */
  readonly kind: GreeterKind;
  /**
   * The order in which the host asks its greeters: highest first. An integer
   * from 0 to 100; greeters of equal priority go in name order.
   */
  readonly priority: number;
}
