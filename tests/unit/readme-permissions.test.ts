/**
 * The README's "Who may do what" table is the current machine version's
 * permission table as permissionsMarkdown() prints it. When it changes (or a
 * new version becomes current), regenerate it:
 *   npx tsx -e "import {permissionsMarkdown} from './machines/permissions-table'; console.log(permissionsMarkdown())"
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { permissionsMarkdown } from '../../machines/permissions-table';
import { CURRENT_MACHINE_VERSION } from '../../machines/petition.registry';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of a `## ` section of the README, up to the next one. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const next = README.indexOf('\n## ', start + 1);
  return README.slice(start, next < 0 ? undefined : next);
}

describe('README.md, "Who may do what"', () => {
  it('contains the permission matrix exactly as permissionsMarkdown() prints it', () => {
    expect(section('Who may do what')).toContain(`\n${permissionsMarkdown()}\n`);
  });

  it('names the file the table is generated from, and comes before Development', () => {
    expect(section('Who may do what')).toContain(`machines/versions/v${CURRENT_MACHINE_VERSION}.ts`);
    expect(README.indexOf('\n## Who may do what\n')).toBeLessThan(README.indexOf('\n## Development\n'));
  });
});
