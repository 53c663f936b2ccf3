/**
 * The plugin signature: what the host calls. This local interface stands in
 * for the one a host application publishes in its types package; to use the
 * host's, import it from that package (a peer dependency) and delete this file.
 */
export interface Greeter {
  /** Returns a greeting for `name`. */
  greet(name: string): string;
}
