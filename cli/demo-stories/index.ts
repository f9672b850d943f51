/**
 * The stories of the seed page (a 周口市 newspaper page on petition work), in
 * the order `seed-demo` lists them.
 */
import type { DemoCase } from './demo-story';
import { FUGOU_CASES } from './fugou.story';
import { SHANGSHUI_CASES } from './shangshui.story';
import { SHENQIU_CASES } from './shenqiu.story';
import { XIANGCHENG_CASES } from './xiangcheng.story';
import { XIHUA_CASES } from './xihua.story';

export type { DemoCase } from './demo-story';

/** Every demo case: 扶沟, 西华, 商水, 项城, 沈丘. */
export const DEMO_CASES: readonly DemoCase[] = [...FUGOU_CASES, ...XIHUA_CASES, ...SHANGSHUI_CASES, ...XIANGCHENG_CASES, ...SHENQIU_CASES];
