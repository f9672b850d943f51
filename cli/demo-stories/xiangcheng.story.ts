/**
 * 项城市: 抓好四项机制. Leaders receive visitors (领导接访); a wide, long-running
 * dispute goes to the weekly risk review (每周信访舆情研判例会), is entered on
 * the ledger to be struck off once solved (挂账销号), and a city leader takes
 * personal charge of it to the end (市领导包案，一包到底) while the responsible
 * department solves it by a deadline.
 */
import { ago, person, type DemoCase } from './demo-story';

const city = '411681'; // 项城市 (its government reviews its departments' answers)
const bureau = '411681-01'; // 项城市信访局
const naturalResources = '411681-13'; // 项城市自然资源局

const clerk = person('clerk', bureau, 'xiangcheng-xinfang-dengji');
const supervisor = person('supervisor', bureau, 'xiangcheng-xinfang-duban');
const cityLeader = person('leader', city, 'xiangcheng-fushizhang');
const handler = person('handler', naturalResources, 'xiangcheng-ziranziyuan-chengban');
const governmentClerk = person('clerk', city, 'xiangcheng-zhengfu-dengji');

/** Received by a leader, listed and struck off after the department's report; now in 复查 at 项城市人民政府. */
export const XIANGCHENG_CASES: readonly DemoCase[] = [
  {
    place: '项城市',
    title: '项城市 领导接访：土地征收补偿款分配，研判例会，挂账销号，市领导包案，复查中',
    at: ago(92, '09:00'),
    clerk,
    intake: {
      channel: 'visit',
      unit: bureau,
      class: 'complaint',
      receivedBy: 'leader',
      flags: { group: { headCount: 9 } },
      petitioner: { name: '孙某（化名）', idNumber: '411681197009203614', phone: '13603940000', address: '河南省周口市项城市南顿镇南顿村' },
      representatives: [{ name: '孙某（化名）' }, { name: '周某' }, { name: '吴某' }],
      matter: {
        category: 'land',
        summary: '南顿村土地征收补偿款分配纠纷，历时多年未解决',
        details: '市领导接访日，9名村民就征收补偿款分配问题来访，推选3名代表。涉及面广、时间跨度大，容易升级激化。',
      },
    },
    steps: [
      {
        at: ago(92, '16:00'),
        actor: supervisor,
        command: {
          type: 'LINK_CONFERENCE',
          conference: '项城市每周信访舆情研判例会',
          departments: ['项城市自然资源局', '南顿镇人民政府', '项城市公安局'],
        },
      },
      {
        at: ago(92, '16:30'),
        actor: supervisor,
        command: { type: 'SUPERVISE', level: 'list', reason: '挂账：疑难复杂问题，挂账销号，限期解决' },
      },
      { at: ago(91, '09:00'), actor: cityLeader, command: { type: 'ASSIGN_LEADER', leader: '项城市副市长（市领导包案，一包到底）' } },
      {
        at: ago(91, '10:00'),
        actor: supervisor,
        command: { type: 'ASSIGN', toUnit: naturalResources, dueIn: 'P60D', note: '交市自然资源局会同南顿镇限期解决，报送办结报告。' },
      },
      { at: ago(90, '09:30'), actor: handler, command: { type: 'ACCEPT', noticeMethod: 'post' } },
      {
        at: ago(85, '10:00'),
        actor: cityLeader,
        command: { type: 'LEADER_INSTRUCTION', text: '制订化解方案，责任单位限期解决，每周研判例会汇报进展。' },
      },
      {
        at: ago(50, '16:00'),
        actor: handler,
        command: {
          type: 'RESOLVE',
          outcome: 'explain',
          opinion:
            '经核查，征收补偿款已按批准方案足额拨付到村；分配中漏登的2户已依法补登补发。对超出补偿标准的诉求，已依据政策向信访人说明。',
        },
      },
      { at: ago(49, '10:00'), actor: handler, command: { type: 'DELIVER', method: 'in-person', proof: '当面送达，代表签收' } },
      { at: ago(48, '10:00'), actor: clerk, command: { type: 'RATE_SATISFACTION', body: 'unsatisfied', bureau: 'basically-satisfied' } },
      {
        at: ago(47, '15:00'),
        actor: handler,
        command: { type: 'SUBMIT_REPORT', text: '办结报告：补偿款拨付和补登补发情况、政策解释情况及信访人意见。' },
      },
      { at: ago(46, '10:00'), actor: supervisor, command: { type: 'ACCEPT_REPORT', note: '经审核，办结报告符合要求' } },
      { at: ago(46, '10:30'), actor: supervisor, command: { type: 'STRIKE_OFF', note: '问题处理到位，予以销号' } },
      {
        at: ago(21, '09:30'),
        actor: governmentClerk,
        command: { type: 'REQUEST_REVIEW', reason: '对补偿款分配数额仍有异议，向项城市人民政府申请复查' },
      },
    ],
  },
];
