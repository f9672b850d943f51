/**
 * The first bytes of the file formats scanned letters and evidence come in:
 * a file declared as one of these must start with them, so a renamed
 * executable or HTML page is not filed as a "PDF".
 */
const SIGNATURES: Readonly<Record<string, readonly (readonly number[])[]>> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/tiff': [
    [0x49, 0x49, 0x2a, 0x00], // II*\0, little-endian
    [0x4d, 0x4d, 0x00, 0x2a], // MM\0*, big-endian
  ],
};

/** A declared media type as compared: lower case, without parameters (`image/JPEG; q=1` → `image/jpeg`). */
export function bareMediaType(declared: string): string {
  return (declared.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Whether the bytes fit the declared type: they start with its signature, or
 * the type is one without a known signature (a type the configuration added).
 */
export function bytesFitType(mediaType: string, bytes: Buffer): boolean {
  const signatures = SIGNATURES[mediaType];
  if (signatures === undefined) return true;
  return signatures.some((sig) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b));
}
