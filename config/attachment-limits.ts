/**
 * What the attachment routes take: how large a file may be and which media
 * types (scanned letters and evidence come as PDF or images). Read from the
 * environment by load-config.ts; the defaults below when it says nothing.
 */

/** The size and media types an uploaded attachment must keep to. */
export interface AttachmentLimits {
  /** The largest file, in bytes. */
  readonly maxBytes: number;
  /** The media types accepted (lower case, no parameters). */
  readonly mediaTypes: readonly string[];
}

/** 10 MiB: a multi-page scanned letter at 300 dpi fits; a video of a visit does not belong here. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  mediaTypes: Object.freeze(['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']),
});

/** A media type as a list in the environment names it: `type/subtype`, lower case. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
