/**
 * The README's clock table is the default policy as policyMarkdown() prints
 * it. When the defaults change, regenerate it:
 *   npx tsx -e "import {policyMarkdown} from './config/policy-table'; console.log(policyMarkdown())"
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { policyMarkdown } from '../../config/policy-table';
import { CLOCK_NAMES } from '../../machines/petition.vocabulary';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of a `### ` subsection of the README, up to the next heading. */
function subsection(title: string): string {
  const start = README.indexOf(`\n### ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "### ${title}" section`);
  const next = README.slice(start + 1).search(/\n#{2,3} /);
  return README.slice(start, next < 0 ? undefined : start + 1 + next);
}

describe('README.md, "The policy file"', () => {
  it('contains the clock table exactly as policyMarkdown() prints the default policy', () => {
    expect(subsection('The policy file')).toContain(`\n${policyMarkdown()}\n`);
  });

  it('has one row per clock, each naming its article or practice and its pause reasons', () => {
    const rows = policyMarkdown().split('\n').slice(2);
    expect(rows).toHaveLength(CLOCK_NAMES.length);
    CLOCK_NAMES.forEach((name, i) => {
      expect(rows[i]).toMatch(new RegExp(`^\\| \`${name}\` .* \\| (Arts? \\d|Art 21, practice)`));
      const reasons = DEFAULT_POLICY.clocks[name].pausableFor;
      expect(rows[i]?.endsWith(reasons.length === 0 ? '| — |' : `| ${reasons.map((r) => `\`${r}\``).join(', ')} |`)).toBe(true);
    });
  });

  it('documents machineVersion and pausableFor, and the policy show command', () => {
    const text = subsection('The policy file');
    for (const word of ['`machineVersion`', '`pausableFor`', 'policy show']) expect(text).toContain(word);
  });
});
