import type { PermissionTable } from './petition.permissions';
import { CURRENT_MACHINE_VERSION, permissionsFor } from './petition.registry';
import { EVENT_TYPES } from './petition.schemas';
import { ACTIVE_STATES, HUMAN_ROLES } from './petition.vocabulary';

/**
 * A permission table as a Markdown table (event × state → roles); by default
 * the current version's, the one the README shows (a test keeps the two equal).
 */
export function permissionsMarkdown(table: PermissionTable = permissionsFor(CURRENT_MACHINE_VERSION)): string {
  const states = ACTIVE_STATES;
  const header = `| event | ${states.join(' | ')} |`;
  const rule = `|---|${states.map(() => '---').join('|')}|`;
  const rows = EVENT_TYPES.flatMap((type) => {
    const row = table[type];
    if (row === undefined) return [];
    const cells = states.map((s) => {
      const roles = (row[s] ?? row['*'] ?? []).filter((r) => (HUMAN_ROLES as readonly string[]).includes(r) || r === 'system');
      return roles.join(', ') || '—';
    });
    return [`| \`${type}\` | ${cells.join(' | ')} |`];
  });
  return [header, rule, ...rows].join('\n');
}
