/**
 * Civil causes of action (民事案件案由), from 《民事案件案由规定》 (最高人民法院, 法〔2020〕347号,
 * in force 2021-01-01): its 11 parts (level 1), its 54 numbered causes (level 2, official numbers
 * 一 to 五十四), and the common causes below them for personality rights, family and
 * succession, contracts, labour and torts (levels 3-4).
 * Codes: level 1 `P<part>`; level 2 `C<official number, 2 digits>`; below that the parent code
 * plus a running number (`C10.11`, `C17.01.05`). The names at levels 3-4 are the regulation's;
 * the running numbers are this platform's, not the regulation's own sequence numbers.
 */
export interface CauseOfAction {
  code: string;
  level: 1 | 2 | 3 | 4;
  parent?: string;
  zh: string;
  en: string;
}

type Names = readonly (readonly [zh: string, en: string])[];

const PARTS: Names = [
  ['人格权纠纷', 'Personality rights disputes'],
  ['婚姻家庭、继承纠纷', 'Marriage, family and succession disputes'],
  ['物权纠纷', 'Real rights disputes'],
  ['合同、准合同纠纷', 'Contract and quasi-contract disputes'],
  ['知识产权与竞争纠纷', 'Intellectual property and competition disputes'],
  ['劳动争议、人事争议', 'Labour and personnel disputes'],
  ['海事海商纠纷', 'Maritime disputes'],
  ['与公司、证券、保险、票据等有关的民事纠纷', 'Civil disputes concerning companies, securities, insurance, negotiable instruments, etc.'],
  ['侵权责任纠纷', 'Tort liability disputes'],
  ['非讼程序案件案由', 'Non-contentious proceedings'],
  ['特殊诉讼程序案件案由', 'Special litigation proceedings'],
];

/** The 54 second-level causes, in official order, each with its part (1-11). */
const SECOND: readonly (readonly [part: number, zh: string, en: string])[] = [
  [1, '人格权纠纷', 'Personality rights disputes'],
  [2, '婚姻家庭纠纷', 'Marriage and family disputes'],
  [2, '继承纠纷', 'Succession disputes'],
  [3, '不动产登记纠纷', 'Real property registration disputes'],
  [3, '物权保护纠纷', 'Protection of real rights disputes'],
  [3, '所有权纠纷', 'Ownership disputes'],
  [3, '用益物权纠纷', 'Usufruct disputes'],
  [3, '担保物权纠纷', 'Security interest disputes'],
  [3, '占有保护纠纷', 'Possession protection disputes'],
  [4, '合同纠纷', 'Contract disputes'],
  [4, '不当得利纠纷', 'Unjust enrichment disputes'],
  [4, '无因管理纠纷', 'Negotiorum gestio disputes'],
  [5, '知识产权合同纠纷', 'Intellectual property contract disputes'],
  [5, '知识产权权属、侵权纠纷', 'Intellectual property ownership and infringement disputes'],
  [5, '不正当竞争纠纷', 'Unfair competition disputes'],
  [5, '垄断纠纷', 'Monopoly disputes'],
  [6, '劳动争议', 'Labour disputes'],
  [6, '人事争议', 'Personnel disputes'],
  [7, '海事海商纠纷', 'Maritime and commercial maritime disputes'],
  [8, '与企业有关的纠纷', 'Enterprise-related disputes'],
  [8, '与公司有关的纠纷', 'Company-related disputes'],
  [8, '合伙企业纠纷', 'Partnership enterprise disputes'],
  [8, '与破产有关的纠纷', 'Bankruptcy-related disputes'],
  [8, '证券纠纷', 'Securities disputes'],
  [8, '期货交易纠纷', 'Futures trading disputes'],
  [8, '信托纠纷', 'Trust disputes'],
  [8, '保险纠纷', 'Insurance disputes'],
  [8, '票据纠纷', 'Negotiable instrument disputes'],
  [8, '信用证纠纷', 'Letter of credit disputes'],
  [8, '独立保函纠纷', 'Independent guarantee disputes'],
  [9, '侵权责任纠纷', 'Tort liability disputes'],
  [10, '选民资格案件', 'Voter qualification cases'],
  [10, '宣告失踪、宣告死亡案件', 'Declaration of disappearance or death'],
  [10, '认定自然人无民事行为能力、限制民事行为能力案件', 'Declaring a natural person without or with limited civil capacity'],
  [10, '指定遗产管理人案件', 'Appointment of an estate administrator'],
  [10, '认定财产无主案件', 'Declaring property ownerless'],
  [10, '确认调解协议案件', 'Confirmation of mediation agreements'],
  [10, '实现担保物权案件', 'Realisation of security interests'],
  [10, '监护权特别程序案件', 'Guardianship special proceedings'],
  [10, '督促程序案件', 'Payment order proceedings'],
  [10, '公示催告程序案件', 'Public summons proceedings'],
  [10, '公司清算案件', 'Company liquidation'],
  [10, '破产程序案件', 'Bankruptcy proceedings'],
  [10, '申请诉前停止侵害知识产权案件', 'Pre-action injunctions against IP infringement'],
  [10, '申请保全案件', 'Preservation applications'],
  [10, '申请人身安全保护令案件', 'Personal safety protection orders'],
  [10, '申请人格权侵害禁令案件', 'Injunctions against personality rights infringement'],
  [10, '仲裁程序案件', 'Arbitration-related proceedings'],
  [10, '海事诉讼特别程序案件', 'Maritime special proceedings'],
  [10, '申请承认与执行法院判决、仲裁裁决案件', 'Recognition and enforcement of judgments and arbitral awards'],
  [11, '与宣告失踪、宣告死亡案件有关的纠纷', 'Disputes related to declarations of disappearance or death'],
  [11, '公益诉讼', 'Public interest litigation'],
  [11, '第三人撤销之诉', "Third party's action to set aside"],
  [11, '执行程序中的异议之诉', 'Objection actions in enforcement'],
];

/** Common third-level causes under a second-level one (by official number). */
const THIRD: Readonly<Record<number, Names>> = {
  1: [
    ['生命权、身体权、健康权纠纷', 'Right to life, body and health disputes'],
    ['姓名权纠纷', 'Right of name disputes'],
    ['名称权纠纷', 'Right of entity name disputes'],
    ['肖像权纠纷', 'Right of portrait disputes'],
    ['声音保护纠纷', 'Voice protection disputes'],
    ['名誉权纠纷', 'Right of reputation disputes'],
    ['荣誉权纠纷', 'Right of honour disputes'],
    ['隐私权、个人信息保护纠纷', 'Privacy and personal information protection disputes'],
    ['婚姻自主权纠纷', 'Freedom of marriage disputes'],
    ['人身自由权纠纷', 'Personal liberty disputes'],
    ['一般人格权纠纷', 'General personality rights disputes'],
  ],
  2: [
    ['婚约财产纠纷', 'Engagement property disputes'],
    ['婚内夫妻财产分割纠纷', 'Division of marital property during marriage'],
    ['离婚纠纷', 'Divorce disputes'],
    ['离婚后财产纠纷', 'Post-divorce property disputes'],
    ['离婚后损害责任纠纷', 'Post-divorce damages disputes'],
    ['婚姻无效纠纷', 'Void marriage disputes'],
    ['撤销婚姻纠纷', 'Annulment of marriage disputes'],
    ['夫妻财产约定纠纷', 'Marital property agreement disputes'],
    ['同居关系纠纷', 'Cohabitation disputes'],
    ['亲子关系纠纷', 'Parentage disputes'],
    ['抚养纠纷', 'Child support disputes'],
    ['扶养纠纷', 'Spousal and sibling support disputes'],
    ['赡养纠纷', 'Elderly parent support disputes'],
    ['收养关系纠纷', 'Adoption disputes'],
    ['监护权纠纷', 'Guardianship disputes'],
    ['探望权纠纷', 'Visitation rights disputes'],
    ['分家析产纠纷', 'Division of family property disputes'],
  ],
  3: [
    ['法定继承纠纷', 'Intestate succession disputes'],
    ['遗嘱继承纠纷', 'Testamentary succession disputes'],
    ['被继承人债务清偿纠纷', "Settlement of the deceased's debts"],
    ['遗赠纠纷', 'Legacy disputes'],
    ['遗赠扶养协议纠纷', 'Legacy-support agreement disputes'],
    ['遗产管理纠纷', 'Estate administration disputes'],
  ],
  10: [
    ['缔约过失责任纠纷', 'Culpa in contrahendo disputes'],
    ['预约合同纠纷', 'Preliminary contract disputes'],
    ['确认合同效力纠纷', 'Contract validity disputes'],
    ['债权人代位权纠纷', "Creditor's subrogation disputes"],
    ['债权人撤销权纠纷', "Creditor's avoidance disputes"],
    ['债权转让合同纠纷', 'Assignment of claims disputes'],
    ['债务加入纠纷', 'Joinder of debt disputes'],
    ['买卖合同纠纷', 'Sales contract disputes'],
    ['房屋买卖合同纠纷', 'Housing sale contract disputes'],
    ['供用电合同纠纷', 'Electricity supply contract disputes'],
    ['赠与合同纠纷', 'Gift contract disputes'],
    ['借款合同纠纷', 'Loan contract disputes'],
    ['保证合同纠纷', 'Suretyship contract disputes'],
    ['租赁合同纠纷', 'Lease contract disputes'],
    ['融资租赁合同纠纷', 'Financial lease contract disputes'],
    ['保理合同纠纷', 'Factoring contract disputes'],
    ['承揽合同纠纷', 'Work contract disputes'],
    ['建设工程合同纠纷', 'Construction project contract disputes'],
    ['运输合同纠纷', 'Carriage contract disputes'],
    ['保管合同纠纷', 'Safekeeping contract disputes'],
    ['委托合同纠纷', 'Mandate contract disputes'],
    ['物业服务合同纠纷', 'Property management service contract disputes'],
    ['中介合同纠纷', 'Intermediary contract disputes'],
    ['合伙合同纠纷', 'Partnership contract disputes'],
    ['服务合同纠纷', 'Service contract disputes'],
    ['旅游合同纠纷', 'Travel contract disputes'],
    ['劳务合同纠纷', 'Labour service contract disputes'],
    ['追偿权纠纷', 'Right of recourse disputes'],
  ],
  17: [
    ['劳动合同纠纷', 'Labour contract disputes'],
    ['社会保险纠纷', 'Social insurance disputes'],
    ['福利待遇纠纷', 'Welfare benefit disputes'],
  ],
  31: [
    ['监护人责任纠纷', "Guardian's liability disputes"],
    ['用人单位责任纠纷', "Employer's liability disputes"],
    ['提供劳务者致害责任纠纷', 'Liability for harm caused by a labour service provider'],
    ['提供劳务者受害责任纠纷', 'Liability for harm suffered by a labour service provider'],
    ['网络侵权责任纠纷', 'Online infringement disputes'],
    ['违反安全保障义务责任纠纷', 'Breach of safety duty disputes'],
    ['教育机构责任纠纷', 'Educational institution liability disputes'],
    ['性骚扰损害责任纠纷', 'Sexual harassment liability disputes'],
    ['产品责任纠纷', 'Product liability disputes'],
    ['机动车交通事故责任纠纷', 'Motor vehicle traffic accident liability disputes'],
    ['非机动车交通事故责任纠纷', 'Non-motor vehicle traffic accident liability disputes'],
    ['医疗损害责任纠纷', 'Medical damage liability disputes'],
    ['环境污染责任纠纷', 'Environmental pollution liability disputes'],
    ['高度危险责任纠纷', 'Ultra-hazardous activity liability disputes'],
    ['饲养动物损害责任纠纷', 'Liability for harm caused by animals'],
    ['建筑物和物件损害责任纠纷', 'Liability for harm caused by buildings and objects'],
    ['义务帮工人受害责任纠纷', 'Liability for harm suffered by a volunteer helper'],
    ['见义勇为人受害责任纠纷', 'Liability for harm suffered by a good Samaritan'],
  ],
};

/** Fourth-level causes under labour contract disputes (C17.01), the ones most filed. */
const LABOUR_CONTRACT: Names = [
  ['确认劳动关系纠纷', 'Confirmation of employment relationship'],
  ['集体合同纠纷', 'Collective contract disputes'],
  ['劳务派遣合同纠纷', 'Labour dispatch contract disputes'],
  ['非全日制用工纠纷', 'Part-time employment disputes'],
  ['追索劳动报酬纠纷', 'Claims for unpaid wages'],
  ['经济补偿金纠纷', 'Severance pay disputes'],
  ['竞业限制纠纷', 'Non-compete disputes'],
];

const two = (n: number) => String(n).padStart(2, '0');

function build(): CauseOfAction[] {
  const list: CauseOfAction[] = PARTS.map(([zh, en], i) => ({ code: `P${i + 1}`, level: 1, zh, en }));
  SECOND.forEach(([part, zh, en], i) => {
    const code = `C${two(i + 1)}`;
    list.push({ code, level: 2, parent: `P${part}`, zh, en });
    (THIRD[i + 1] ?? []).forEach(([zh3, en3], j) => {
      const code3 = `${code}.${two(j + 1)}`;
      list.push({ code: code3, level: 3, parent: code, zh: zh3, en: en3 });
      if (code3 === 'C17.01') {
        LABOUR_CONTRACT.forEach(([zh4, en4], k) => list.push({ code: `${code3}.${two(k + 1)}`, level: 4, parent: code3, zh: zh4, en: en4 }));
      }
    });
  });
  return list;
}

export const CAUSES_OF_ACTION: readonly CauseOfAction[] = Object.freeze(build());
const BY_CODE = new Map(CAUSES_OF_ACTION.map((c) => [c.code, c]));

/** The cause with this code, or undefined. */
export function causeOfAction(code: string): CauseOfAction | undefined {
  return BY_CODE.get(code);
}

/**
 * A cause a complaint may name: a second-level cause or a more specific one. The parts
 * (level 1) only group them; a complaint names the dispute itself.
 */
export function isFileableCause(code: string): boolean {
  const c = BY_CODE.get(code);
  return c !== undefined && c.level >= 2;
}
