import { readFileSync } from 'node:fs';
import { woffToSfnt } from './statistics/woff-sfnt';

/**
 * Noto Sans SC (simplified Chinese) from the @fontsource package, for every
 * PDF the engine writes (reports, documents): the font ships with the
 * application and is embedded (subset) in each file, so nothing is fetched at
 * run time and the file reads the same everywhere.
 */
const FONT_FILE = require.resolve('@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff');
let fontBytes: Buffer | undefined;

/** The font as plain sfnt bytes (unwrapped from WOFF once per process: pdfkit reads WOFF slowly). */
export function cjkFont(): Buffer {
  return (fontBytes ??= woffToSfnt(readFileSync(FONT_FILE)));
}
