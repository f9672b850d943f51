/**
 * The README's "Who may do what" section holds the permission tables as the
 * code prints them: version 3's (new cases) from v3PermissionsMarkdown(), and
 * version 2's (cases recorded before the upgrade) from permissionsMarkdown().
 * When a table changes, regenerate it:
 *   npx tsx -e "import {v3PermissionsMarkdown} from './machines/versions/v3/v3.permissions'; console.log(v3PermissionsMarkdown())"
 *   npx tsx -e "import {permissionsMarkdown} from './machines/permissions-table'; console.log(permissionsMarkdown())"
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { permissionsMarkdown } from '../../machines/permissions-table';
import { LATEST_MACHINE_VERSION } from '../../machines/petition.registry';
import { v3PermissionsMarkdown } from '../../machines/versions/v3/v3.permissions';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of a `## ` section of the README, up to the next one. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const next = README.indexOf('\n## ', start + 1);
  return README.slice(start, next < 0 ? undefined : next);
}

describe('README.md, "Who may do what"', () => {
  it('contains the version 3 table exactly as v3PermissionsMarkdown() prints it', () => {
    expect(LATEST_MACHINE_VERSION).toBe(3);
    expect(section('Who may do what')).toContain(`\n${v3PermissionsMarkdown()}\n`);
  });

  it('contains the version 2 matrix exactly as permissionsMarkdown() prints it, for cases recorded before the upgrade', () => {
    expect(section('Who may do what')).toContain(`\n${permissionsMarkdown()}\n`);
  });

  it('names the files the tables are generated from, and comes before Development', () => {
    expect(section('Who may do what')).toContain('machines/versions/v3/v3.permissions.ts');
    expect(section('Who may do what')).toContain('machines/versions/v2.ts');
    expect(README.indexOf('\n## Who may do what\n')).toBeLessThan(README.indexOf('\n## Development\n'));
  });
});
