// The forms a pinned SHA-256 may take, read into one: what the integrity
// check compares and what the options check accepts.

/**
 * Reads a pinned digest in any accepted form.
 *
 * @returns the SHA-256 as lower-case hex, or undefined when it is not one
 */
export function parseDigest(pin: string): string | undefined {
  const text = pin.trim();
  if (text.startsWith('sha256-')) {
    const bytes = Buffer.from(text.slice('sha256-'.length), 'base64');
    return bytes.length === 32 ? bytes.toString('hex') : undefined;
  }
  const hex = text.split(/\s+/)[0]?.toLowerCase() ?? '';
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}
