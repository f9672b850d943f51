import { PERMISSIONS } from './petition.permissions';
import { ACTIVE_STATES, HUMAN_ROLES, STATE_NAMES } from './petition.vocabulary';
import type { EventType } from './petition.schemas';

/**
 * The permission matrix as a Markdown table (event × state → roles), the one
 * the README shows; a test keeps the two equal.
 */
export function permissionsMarkdown(): string {
  const states = STATE_NAMES.filter((s) => (ACTIVE_STATES as readonly string[]).includes(s));
  const header = `| event | ${states.join(' | ')} |`;
  const rule = `|---|${states.map(() => '---').join('|')}|`;
  const rows = (Object.keys(PERMISSIONS) as EventType[]).map((type) => {
    const row = PERMISSIONS[type];
    const cells = states.map((s) => {
      const roles = (row[s] ?? row['*'] ?? []).filter((r) => (HUMAN_ROLES as readonly string[]).includes(r) || r === 'system');
      return roles.join(', ') || '—';
    });
    return `| \`${type}\` | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
