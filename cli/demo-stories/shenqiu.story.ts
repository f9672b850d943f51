/**
 * 沈丘县: on the seed page only as the county of the phone number on 扶沟's
 * letter. Its two cases are the demo's own: an online petition nobody
 * transferred within the 15 days of Art 22, so the breach put it under
 * supervision; and a pension claim taken through 复查 at the county
 * government and 复核 at the city government (with a hearing, whose time
 * does not count, Art 36 ¶2) to 终结.
 */
import { ago, person, type DemoCase } from './demo-story';

const county = '411624'; // 沈丘县 (reviews its departments' answers)
const city = '411600'; // 周口市 (reviews the county government's)
const bureau = '411624-01'; // 沈丘县信访局
const humanResources = '411624-12'; // 沈丘县人力资源和社会保障局

const clerk = person('clerk', bureau, 'shenqiu-xinfang-dengji');
const handler = person('handler', humanResources, 'shenqiu-renshe-chengban');
const countyClerk = person('clerk', county, 'shenqiu-zhengfu-dengji');
const countyHandler = person('handler', county, 'shenqiu-zhengfu-fucha');
const cityClerk = person('clerk', city, 'zhoukou-zhengfu-dengji');
const cityLeader = person('leader', city, 'zhoukou-zhengfu-fuhe');

/** An overdue dispatch under supervision by its breach; a matter final after 复核. */
export const SHENQIU_CASES: readonly DemoCase[] = [
  {
    place: '沈丘县',
    title: '沈丘县 网上信访：村道损坏请求维修，超期未转送，期限届满自动督办',
    at: ago(26, '09:00'),
    clerk,
    intake: {
      channel: 'online',
      unit: bureau,
      class: 'complaint',
      petitioner: { name: '周某（化名）', address: '河南省周口市沈丘县槐店回族镇槐店村' },
      matter: { category: 'infrastructure', summary: '村内道路损坏严重，雨天无法通行，请求维修' },
    },
    steps: [],
  },
  {
    place: '沈丘县',
    title: '沈丘县 来信：补缴养老保险，县人社局不予支持，县政府复查、市政府复核（听证）维持，已终结',
    at: ago(190, '09:00'),
    clerk,
    intake: {
      channel: 'letter',
      unit: bureau,
      class: 'complaint',
      petitioner: { name: '赵某（化名）', idNumber: '411624196201052826', phone: '13783940000', address: '河南省周口市沈丘县刘庄店镇' },
      matter: { category: 'benefits', summary: '原乡镇企业职工要求补缴养老保险并按月领取养老金' },
    },
    steps: [
      { at: ago(189, '10:00'), actor: clerk, command: { type: 'TRANSFER', toUnit: humanResources, note: '属县人社局职责，转送办理' } },
      { at: ago(187, '09:30'), actor: handler, command: { type: 'ACCEPT', noticeMethod: 'post' } },
      {
        at: ago(160, '16:00'),
        actor: handler,
        command: {
          type: 'RESOLVE',
          outcome: 'not-support',
          opinion: '经核查，信访人不符合现行政策规定的补缴条件，诉求不予支持，并说明了政策依据。',
        },
      },
      { at: ago(158, '10:00'), actor: handler, command: { type: 'DELIVER', method: 'post', proof: '挂号信回执' } },
      { at: ago(157, '10:00'), actor: clerk, command: { type: 'RATE_SATISFACTION', body: 'unsatisfied', bureau: 'unsatisfied' } },
      { at: ago(150, '09:30'), actor: countyClerk, command: { type: 'REQUEST_REVIEW', reason: '不服处理意见，向沈丘县人民政府申请复查' } },
      {
        at: ago(128, '16:00'),
        actor: countyHandler,
        command: { type: 'RESOLVE', outcome: 'not-support', opinion: '复查意见：原处理意见认定事实清楚、适用政策正确，予以维持。' },
      },
      { at: ago(126, '10:00'), actor: countyHandler, command: { type: 'DELIVER', method: 'post', proof: '挂号信回执' } },
      { at: ago(118, '09:30'), actor: cityClerk, command: { type: 'REQUEST_REVIEW', reason: '不服复查意见，向周口市人民政府申请复核' } },
      { at: ago(112, '09:00'), actor: cityLeader, command: (clock) => ({ type: 'SCHEDULE_HEARING', hearingAt: clock(ago(105, '09:00')) }) },
      {
        at: ago(112, '09:10'),
        actor: cityLeader,
        command: { type: 'PAUSE_CLOCK', clock: 'reReviewDecision', reason: 'hearing', note: '听证所需时间不计入复核期限' },
      },
      {
        at: ago(105, '12:00'),
        actor: cityLeader,
        command: { type: 'RECORD_HEARING', summary: '听证会听取信访人、县人社局和县政府意见，听证员评议认为原处理和复查意见并无不当。' },
      },
      { at: ago(105, '15:00'), actor: cityLeader, command: { type: 'RESUME_CLOCK', clock: 'reReviewDecision', reason: '听证结束' } },
      {
        at: ago(100, '16:00'),
        actor: cityLeader,
        command: {
          type: 'RESOLVE',
          outcome: 'not-support',
          opinion: '复核意见：维持复查意见。信访人以同一事实和理由提出信访的，不再受理。',
        },
      },
      { at: ago(99, '10:00'), actor: cityClerk, command: { type: 'DELIVER', method: 'in-person', proof: '当面送达，信访人签收' } },
    ],
  },
];
