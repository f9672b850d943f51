/**
 * The demo unit tree of `petitionflow seed-demo`: 周口市 with its petition
 * bureau and departments, its counties with theirs, and a few townships and
 * villages. The codes are documented in docs/units.md.
 */
import type { UnitRecord } from '../engine/unit.service';
import type { UnitLevel } from '../machines/unit-tree';

/** The departments each government of the demo has, by code suffix (`-01` is the petition bureau). */
const DEPARTMENTS: readonly { readonly suffix: string; readonly name: string }[] = [
  { suffix: '11', name: '教育体育局' },
  { suffix: '12', name: '人力资源和社会保障局' },
  { suffix: '13', name: '自然资源局' },
  { suffix: '14', name: '公安局' },
  { suffix: '15', name: '住房和城乡建设局' },
];

/** A division of the demo: code, name, level, parent and (for governments with bodies) the bureau's short name. */
interface DemoDivision {
  readonly code: string;
  readonly name: string;
  readonly level: UnitLevel;
  readonly parentCode: string | null;
  /** Short name of its petition bureau (扶信 → 扶信〔2026〕123号); only governments with a bureau have one. */
  readonly bureauShortName?: string;
}

const division = (code: string, name: string, level: UnitLevel, parentCode: string | null, bureauShortName?: string): DemoDivision => ({
  code,
  name,
  level,
  parentCode,
  ...(bureauShortName !== undefined && { bureauShortName }),
});

/**
 * Province, city and county codes are the real administrative division codes.
 * Township and village codes are illustrative (plausible 9- and 12-digit
 * codes following the statistical scheme: 1xx towns 镇, 2xx townships 乡,
 * villages 2xx below them), not the official ones.
 */
const DIVISIONS: readonly DemoDivision[] = [
  division('410000', '河南省', 'province', null),
  division('411600', '周口市', 'city', '410000', '周信'),
  division('411602', '川汇区', 'county', '411600', '川信'),
  division('411603', '淮阳区', 'county', '411600', '淮信'),
  division('411621', '扶沟县', 'county', '411600', '扶信'),
  division('411622', '西华县', 'county', '411600', '西信'),
  division('411623', '商水县', 'county', '411600', '商信'),
  division('411624', '沈丘县', 'county', '411600', '沈信'),
  division('411625', '郸城县', 'county', '411600', '郸信'),
  division('411627', '太康县', 'county', '411600', '太信'),
  division('411628', '鹿邑县', 'county', '411600', '鹿信'),
  division('411681', '项城市', 'county', '411600', '项信'),
  // Townships and villages: illustrative codes (see above).
  division('411621101', '崔桥镇', 'township', '411621'),
  division('411621103', '练寺镇', 'township', '411621'),
  division('411621204', '吕潭乡', 'township', '411621'),
  division('411621206', '曹里乡', 'township', '411621'),
  division('411621206201', '曹里村', 'village', '411621206'),
  division('411622104', '逍遥镇', 'township', '411622'),
  division('411622105', '红花集镇', 'township', '411622'),
  division('411622104201', '逍遥村', 'village', '411622104'),
  division('411623103', '邓城镇', 'township', '411623'),
  division('411623106', '巴村镇', 'township', '411623'),
  division('411623103201', '邓城村', 'village', '411623103'),
  division('411624100', '槐店回族镇', 'township', '411624'),
  division('411624102', '刘庄店镇', 'township', '411624'),
  division('411624100201', '槐店村', 'village', '411624100'),
  division('411681101', '南顿镇', 'township', '411681'),
  division('411681102', '孙店镇', 'township', '411681'),
  division('411681101201', '南顿村', 'village', '411681101'),
];

/**
 * Which body reviews a department's answers one level up, when not its
 * government (Arts 35-36): 扶沟县教育体育局's are reviewed by 周口市教育体育局,
 * the same line one level up; every other unit by its parent (the default).
 */
const REVIEW_BODIES: Readonly<Record<string, string>> = { '411621-11': '411600-11' };

/** A government's petition bureau (`-01`) and departments (`-11` … `-15`), at its level, under it. */
function bodiesOf(d: DemoDivision): UnitRecord[] {
  if (d.bureauShortName === undefined) return [];
  const body = (suffix: string, name: string, kind: 'bureau' | 'department', shortName: string | null): UnitRecord => {
    const code = `${d.code}-${suffix}`;
    return { code, name: `${d.name}${name}`, kind, level: d.level, parentCode: d.code, reviewBody: REVIEW_BODIES[code] ?? null, shortName };
  };
  return [body('01', '信访局', 'bureau', d.bureauShortName), ...DEPARTMENTS.map((dep) => body(dep.suffix, dep.name, 'department', null))];
}

/** The demo unit tree: every division, then each government's bureau and departments. */
export const DEMO_UNITS: readonly UnitRecord[] = [
  ...DIVISIONS.map((d): UnitRecord => ({
    code: d.code,
    name: d.name,
    kind: 'division',
    level: d.level,
    parentCode: d.parentCode,
    reviewBody: null,
    shortName: null,
  })),
  ...DIVISIONS.flatMap(bodiesOf),
];
