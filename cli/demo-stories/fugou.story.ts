/**
 * 扶沟县: “失而复得”的群众来信. A letter about the merging of village schools
 * gave a phone number whose owner, in 沈丘县, had never written; the bureau's
 * letters section (办信科) traced the writer through the county police's
 * household registration, transferred the matter to the county education
 * bureau, and the writer, once the policy was explained, was satisfied.
 */
import { ago, person, type DemoCase } from './demo-story';

const bureau = '411621-01'; // 扶沟县信访局
const education = '411621-11'; // 扶沟县教育体育局

const clerk = person('clerk', bureau, 'fugou-banxinke-zhou');
const supervisor = person('supervisor', bureau, 'fugou-xinfangju-duban');
const handler = person('handler', education, 'fugou-jiaotiju-chengban');

/** The letter, answered by explanation, rated 满意; the review window lapsed, so it closed as 已办结. */
export const FUGOU_CASES: readonly DemoCase[] = [
  {
    place: '扶沟县',
    title: '扶沟县 来信：撤并学校（留错电话，经户籍查找信访人），转送县教体局，解释说明，满意，已办结',
    at: ago(75, '09:30'),
    clerk,
    intake: {
      channel: 'letter',
      unit: bureau,
      class: 'complaint',
      // As the letter gave it: the phone number belonged to someone else (the seed prints the real one masked).
      petitioner: { name: '于营（化名）', phone: '13938760000', address: '河南省周口市扶沟县（来信未写详细地址）' },
      matter: {
        category: 'education',
        summary: '县教体局撤并学校，给学生上学带来不便',
        details:
          '署名“于营”的来信，反映曹里乡部分学校和教学点撤并后学生上学路远。来信所留手机号码为沈丘县号码，机主否认反映过任何信访事项。',
      },
    },
    steps: [
      {
        at: ago(75, '15:00'),
        actor: clerk,
        command: {
          type: 'REQUEST_INFO',
          note: '来信预留手机号码机主否认反映过信访事项；请县公安户籍管理部门协助查找与信访人信息接近的于营本人。',
        },
      },
      {
        at: ago(75, '15:10'),
        actor: supervisor,
        command: { type: 'PAUSE_CLOCK', clock: 'dispatch', reason: 'awaiting-materials', note: '待查明信访人身份和联系方式' },
      },
      {
        at: ago(71, '11:00'),
        actor: clerk,
        command: {
          type: 'PROVIDE_INFO',
          note: '经县公安户籍管理部门查找，信访人于营系扶沟县曹里乡人，本人确认通过信箱反映该事项，来信电话号码系随机编写；已更正联系方式。',
        },
      },
      { at: ago(71, '11:10'), actor: supervisor, command: { type: 'RESUME_CLOCK', clock: 'dispatch', reason: '信访人已查明' } },
      {
        at: ago(70, '10:00'),
        actor: clerk,
        command: { type: 'TRANSFER', toUnit: education, note: '属县教体局职责，转送办理；办信科与县教体局联合调查。' },
      },
      { at: ago(68, '09:30'), actor: handler, command: { type: 'ACCEPT', noticeMethod: 'in-person', note: '受理告知书当面送达信访人' } },
      {
        at: ago(55, '16:00'),
        actor: handler,
        command: {
          type: 'RESOLVE',
          outcome: 'explain',
          opinion:
            '经办信科与县教体局联合调查：农村义务教育学校和教学点存在布局不合理、规模小、条件差、办学效益低等问题。曹里乡依据豫政〔2016〕71号文件精神，经反复论证并报县政府和县教体局批准，按合理设点布校原则撤并部分学校和教学点。已向信访人说明政策依据和来龙去脉。',
        },
      },
      { at: ago(54, '10:00'), actor: handler, command: { type: 'DELIVER', method: 'in-person', proof: '当面送达，信访人签收' } },
      { at: ago(54, '10:30'), actor: clerk, command: { type: 'RATE_SATISFACTION', body: 'satisfied', bureau: 'satisfied' } },
    ],
  },
];
