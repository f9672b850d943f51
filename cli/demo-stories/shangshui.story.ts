/**
 * 商水县: 下足“三种功夫”. A grid worker (one per about 15 households) finds a
 * dispute in the regular screening and reports it; the county bureau
 * transfers it to the township, and the village mediation committee, the
 * lowest of the three levels of mediation, settles it with an agreement.
 */
import { ago, person, type DemoCase } from './demo-story';

const bureau = '411623-01'; // 商水县信访局
const township = '411623103'; // 邓城镇

const clerk = person('clerk', bureau, 'shangshui-xinfang-dengji');
const handler = person('handler', township, 'dengcheng-sifasuo');
const mediator = person('mediator', township, 'dengcheng-cun-tiaojieyuan');

/** The grid report, settled by a village mediation agreement, delivered and rated; its review window is open. */
export const SHANGSHUI_CASES: readonly DemoCase[] = [
  {
    place: '商水县',
    title: '商水县 网格员上报：宅基地边界纠纷，转送邓城镇，村级调解达成协议，已送达',
    at: ago(24, '09:00'),
    clerk,
    intake: {
      channel: 'grid',
      unit: bureau,
      class: 'complaint',
      petitioner: { name: '李某', phone: '13700000000', address: '河南省周口市商水县邓城镇邓城村' },
      matter: { category: 'land', summary: '与邻居宅基地边界纠纷，请求调处', details: '邓城村网格员在矛盾纠纷排查中发现并上报。' },
    },
    steps: [
      { at: ago(23, '10:00'), actor: clerk, command: { type: 'TRANSFER', toUnit: township, note: '属地管理，转邓城镇人民政府调处' } },
      { at: ago(22, '09:00'), actor: handler, command: { type: 'ACCEPT', noticeMethod: 'in-person' } },
      { at: ago(21, '09:00'), actor: handler, command: { type: 'START_MEDIATION', level: 'village', mediator: '邓城村人民调解委员会' } },
      {
        at: ago(19, '15:00'),
        actor: mediator,
        command: { type: 'RECORD_MEDIATION_SESSION', note: '现场丈量宅基地，双方各自陈述，调解员讲解相关政策。' },
      },
      {
        at: ago(17, '16:00'),
        actor: mediator,
        command: { type: 'MEDIATION_AGREED', agreement: '双方同意以原有界墙为界，各自维护，今后不再就此发生争执。' },
      },
      { at: ago(16, '10:00'), actor: handler, command: { type: 'DELIVER', method: 'in-person', proof: '调解协议书双方签字，各执一份' } },
      { at: ago(16, '10:30'), actor: clerk, command: { type: 'RATE_SATISFACTION', body: 'basically-satisfied', bureau: 'satisfied' } },
    ],
  },
];
