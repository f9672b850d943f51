import type { PermissionTable } from './petition.permissions';
import { permissionsFor } from './petition.registry';
import { MACHINE_VERSION_2 } from './versions/v2';
import { EVENT_TYPES } from './petition.schemas';
import { ACTIVE_STATES, HUMAN_ROLES } from './petition.vocabulary';

/**
 * A v1/v2 permission table as a Markdown table (event × state → roles); by
 * default version 2's, which the README shows beside version 3's (a test keeps
 * them equal).
 */
export function permissionsMarkdown(table: PermissionTable = permissionsFor(MACHINE_VERSION_2)): string {
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
