/**
 * 西华县: 发挥“联席”作用. The county's joint conference (信访工作联席会议)
 * takes up the claims of interest groups such as the former community
 * teachers (老民师), assigns them to the responsible department with a
 * deadline, has a county leader take charge and supervises those handled too
 * slowly; and it separates law-related matters (涉法涉诉) from claims of
 * interest, sending the former to the courts.
 */
import { ago, person, type DemoCase } from './demo-story';

const county = '411622'; // 西华县
const bureau = '411622-01'; // 西华县信访局 (the joint conference's office)
const education = '411622-11'; // 西华县教育体育局

const clerk = person('clerk', bureau, 'xihua-xinfang-dengji');
const conferenceOffice = person('supervisor', bureau, 'xihua-lianxi-huiyi');
const countyLeader = person('leader', county, 'xihua-xianwei-fushuji');
const handler = person('handler', education, 'xihua-jiaotiju-chengban');

/** The 老民师 group visit, at risk of missing its handling period and under supervision; a law-related visit referred to the court. */
export const XIHUA_CASES: readonly DemoCase[] = [
  {
    place: '西华县',
    title: '西华县 集体访：原民办教师（老民师）待遇，联席会议研判，交办县教体局，县领导包案，督办中',
    at: ago(40, '09:00'),
    clerk,
    intake: {
      channel: 'visit',
      unit: bureau,
      class: 'complaint',
      flags: { group: { headCount: 23 } },
      petitioner: { name: '王某（化名）', idNumber: '411622195807062028', phone: '13839420000', address: '河南省周口市西华县逍遥镇' },
      representatives: [{ name: '王某（化名）' }, { name: '刘某' }, { name: '张某' }, { name: '陈某' }, { name: '赵某' }],
      matter: {
        category: 'benefits',
        summary: '原民办教师（老民师）群体要求落实教龄补助等待遇',
        details: '23名原民办教师集体走访，推选5名代表反映诉求。',
      },
    },
    steps: [
      {
        at: ago(39, '10:00'),
        actor: conferenceOffice,
        command: {
          type: 'LINK_CONFERENCE',
          conference: '西华县信访工作联席会议',
          departments: ['西华县教育体育局', '西华县人力资源和社会保障局', '逍遥镇人民政府'],
        },
      },
      {
        at: ago(39, '10:30'),
        actor: conferenceOffice,
        command: {
          type: 'ASSIGN',
          toUnit: education,
          dueIn: 'P60D',
          note: '联席会议研判：县教体局牵头、县人社局配合，限期化解，报送办结报告。',
        },
      },
      { at: ago(38, '11:00'), actor: countyLeader, command: { type: 'ASSIGN_LEADER', leader: '西华县委副书记（包案领导）' } },
      { at: ago(37, '09:30'), actor: handler, command: { type: 'ACCEPT', noticeMethod: 'in-person', note: '受理告知书当面送交信访代表' } },
      {
        at: ago(8, '15:00'),
        actor: conferenceOffice,
        command: { type: 'SUPERVISE', level: 'supervise', reason: '联席会议督导：化解进度滞后，实行督办', dueIn: 'P30D' },
      },
      {
        at: ago(6, '10:00'),
        actor: countyLeader,
        command: { type: 'LEADER_INSTRUCTION', text: '坚持法理与情理相结合、历史原因和现实政策相结合，边结边解，本月底前拿出化解方案。' },
      },
    ],
  },
  {
    place: '西华县',
    title: '西华县 来访：已诉至法院的劳动报酬纠纷，涉法涉诉，诉访分离，转法院依法处理',
    at: ago(30, '09:00'),
    clerk,
    intake: {
      channel: 'visit',
      unit: bureau,
      class: 'complaint',
      flags: { lawRelated: true },
      petitioner: { name: '李某（化名）', address: '河南省周口市西华县红花集镇' },
      matter: {
        category: 'litigation',
        summary: '与原任职学校的劳动报酬纠纷已诉至法院，对一审判决不服',
      },
    },
    steps: [
      {
        at: ago(30, '11:00'),
        actor: clerk,
        command: {
          type: 'REFER',
          to: 'court',
          reason: '分清涉法涉诉类问题与利益诉求类问题：属涉法涉诉事项，引导信访人依法通过上诉程序解决。',
        },
      },
    ],
  },
];
