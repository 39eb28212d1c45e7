/**
 * Messages a party reads, in the language of their page. Codes stay stable
 * for clients; the text follows Accept-Language (Chinese unless English is asked for).
 */
export type Lang = 'zh' | 'en';

export function langOf(acceptLanguage: string | undefined): Lang {
  return acceptLanguage && /^en\b/i.test(acceptLanguage.trim()) ? 'en' : 'zh';
}

export const fieldLabels: Record<string, { zh: string; en: string }> = {
  'applicant.name': { zh: '申请人姓名', en: "applicant's name" },
  'applicant.idNumber': { zh: '申请人身份证号', en: "applicant's ID number" },
  'applicant.phone': { zh: '申请人电话', en: "applicant's phone" },
  'applicant.address': { zh: '申请人住址', en: "applicant's address" },
  'applicant.agent.name': { zh: '代理人姓名', en: "agent's name" },
  'applicant.agent.phone': { zh: '代理人电话', en: "agent's phone" },
  'employer.name': { zh: '用人单位名称', en: 'employer name' },
  'employer.creditCode': { zh: '统一社会信用代码', en: 'unified social credit code' },
  'employer.address': { zh: '用人单位地址', en: 'employer address' },
  'employer.contact': { zh: '用人单位联系人或电话', en: 'employer contact' },
  disputeType: { zh: '争议类型', en: 'dispute type' },
  facts: { zh: '事实与理由', en: 'facts and reasons' },
  claims: { zh: '请求事项', en: 'claims' },
  organisationId: { zh: '受理地区', en: 'region' },
  regionCode: { zh: '工作地区', en: 'region of work' },
  'employment.endedOn': { zh: '劳动关系解除或终止日期', en: 'end of employment' },
  'employment.knewOn': { zh: '知道权利被侵害的日期', en: 'date you knew of the infringement' },
  idempotencyKey: { zh: '表单编号', en: 'form id' },
  serialNumber: { zh: '流水号', en: 'serial number' },
  respondentCode: { zh: '应诉码', en: 'respondent code' },
};

const texts = {
  INVALID_FIELD: { zh: (f: string) => `请检查「${f}」`, en: (f: string) => `Please check the ${f}` },
  INVALID_ID_NUMBER: { zh: () => '身份证号码不正确，请核对18位号码', en: () => 'The ID number is not a valid 18-digit resident ID' },
  INVALID_CREDIT_CODE: { zh: () => '统一社会信用代码不正确，请核对18位代码', en: () => 'The unified social credit code is not valid' },
  INVALID_PHONE: { zh: (f: string) => `「${f}」不是有效的电话号码`, en: (f: string) => `The ${f} is not a valid phone number` },
  INVALID_AMOUNT: { zh: () => '请求金额不能为负数，最多两位小数（非金钱请求填0）', en: () => 'Amounts cannot be negative and have at most two decimals (0 for claims without money)' },
  UNKNOWN_REGION: { zh: () => '请选择受理地区', en: () => 'Please choose a region' },
  REGION_NOT_SERVED: { zh: () => '所选组织不受理该地区的争议，请重新选择', en: () => 'The chosen organisation does not serve this region; please choose again' },
  INVALID_DATE: { zh: (f: string) => `「${f}」不是有效日期`, en: (f: string) => `The ${f} is not a valid date` },
  UNKNOWN_MEDIATOR: { zh: () => '所选调解员或仲裁员不属于该机构或已停用，请重新选择', en: () => 'The chosen mediator or arbitrator is not with this organisation; please choose again' },
  DUPLICATE_APPLICATION: {
    zh: (serial: string) => `您已就同一争议提交过申请（流水号 ${serial}），请勿重复提交`,
    en: (serial: string) => `You already applied about this dispute (serial number ${serial})`,
  },
  EVIDENCE_TYPE: { zh: (f: string) => `文件「${f}」不是图片或PDF`, en: (f: string) => `"${f}" is not an image or a PDF` },
  EVIDENCE_TOO_LARGE: { zh: (f: string) => `文件「${f}」超过10MB`, en: (f: string) => `"${f}" is larger than 10 MB` },
  EVIDENCE_EMPTY: { zh: (f: string) => `文件「${f}」是空的`, en: (f: string) => `"${f}" is empty` },
  EVIDENCE_TOO_MANY: { zh: () => '最多上传10个证据文件', en: () => 'At most 10 evidence files' },
  EVIDENCE_REQUEST_TOO_LARGE: { zh: () => '本次上传的文件总大小超过限制，请分次上传', en: () => 'These files together are too large; upload them in several parts' },
  EVIDENCE_CASE_QUOTA: { zh: () => '本案的证据文件已达上限，请联系工作人员', en: () => 'This case has reached its evidence limit; please contact the staff' },
  EVIDENCE_ADDRESS_QUOTA: { zh: () => '上传过多，请明天再试或联系工作人员', en: () => 'Too many uploads from this network; try again tomorrow or contact the staff' },
  CASE_NOT_FOUND: { zh: () => '流水号或查询码不正确', en: () => 'Serial number or code is wrong' },
  RESPONDENT_CODE_WRONG: { zh: () => '流水号或应诉码不正确', en: () => 'Serial number or respondent code is wrong' },
  COUNTERCLAIM_CLOSED: { zh: () => '本案当前不能提出反请求', en: () => 'A counterclaim cannot be filed at this stage' },
  // One answer for every failed redemption (no such code, expired, withdrawn, or kept by another phone): a guesser learns nothing.
  INVITATION_INVALID: {
    zh: () => '邀请链接或邀请码无效、已过期，或已在另一台设备上使用。如需帮助，请联系调解员重新发送邀请。',
    en: () => 'This invitation is invalid, has expired, or is already in use on another device. Ask the mediator for a new one.',
  },
  TOO_MANY_ATTEMPTS: {
    zh: (minutes: string) => `邀请码错误次数过多，请${minutes}分钟后再试，或直接打开邀请链接`,
    en: (minutes: string) => `Too many wrong codes. Try again in ${minutes} minutes, or open the invitation link.`,
  },
  ALREADY_RATED: { zh: () => '您已评价过本次会议', en: () => 'You have already rated this session' },
  // Collective disputes (集体争议).
  DUPLICATE_WORKER: {
    zh: (name: string) => `身份证号码与本案已有的劳动者${name}重复，同一人只能加入一次`,
    en: (name: string) => `This ID number is already in the case (${name}); each person joins once`,
  },
  SHARE_LINK_INVALID: { zh: () => '邀请链接无效或已失效，请向发起人重新索取', en: () => 'This invitation link is invalid or no longer valid; ask the first applicant for a new one' },
  COLLECTIVE_CLOSED: { zh: () => '本案已安排调解，不能再加入新的劳动者，请单独提出申请', en: () => 'A session is already scheduled; new workers cannot join. Please apply separately' },
  REPRESENTATIVES_COUNT: {
    zh: (n: string) => `十人以上的集体争议须推举三至五名代表人（当前 ${n} 名）`,
    en: (n: string) => `A collective dispute of ten or more workers elects three to five representatives (now ${n})`,
  },
  TOO_MANY_WORKERS: { zh: () => '一份申请最多列明200名劳动者', en: () => 'One application names at most 200 workers' },
} satisfies Record<string, Record<Lang, (arg: string) => string>>;

export type MessageCode = keyof typeof texts;

export function message(code: MessageCode, lang: Lang, arg = ''): string {
  const label = fieldLabels[arg]?.[lang] ?? arg;
  return texts[code][lang](label);
}
