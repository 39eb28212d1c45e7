/**
 * Strings of the organisation's seal and certificate (console), mediator
 * profiles (console and /apply) and the assignment box's preference and
 * ratings, registered into the shared dictionary (zh first, en). The shared
 * I18nKey type does not list them, hence the narrow cast in `k`.
 */
import { registerStrings, t, type I18nKey } from '../i18n.ts';

export const zhSeal = {
  'nav.people': '人员资料',
  'seal.title': '电子印章与签章证书',
  'seal.org': '机构',
  'seal.current': '当前印章',
  'seal.none': '尚未上传印章图像：本机构的调解协议等文书将仅以数字签名方式签章，文书上不显示印章图像。',
  'seal.hint': '上传本机构印章的 PNG 图像（透明背景，最大 512 KB，边长 64–2048 像素）。文书签章时印章盖在文末机构名称和日期之上；更换后，已签章的文书保留原印章。',
  'seal.file': '印章图像（PNG，透明背景）',
  'seal.upload': '上传印章',
  'seal.uploaded': '印章已更新（{width}×{height} 像素）。',
  'seal.earlier': '历史版本 {n} 个（已签章文书仍使用原版本）',
  'seal.certTitle': '签章证书（PKCS#12）',
  'seal.certOwn': '本机构证书：{subject}',
  'seal.certServer': '未上传本机构证书：签章使用服务器证书（{subject}）。',
  'seal.certServerDev': '未上传本机构证书：签章使用服务器的开发用自签名证书，仅供测试。',
  'seal.certValid': '有效期 {from} 至 {to}',
  'seal.certFingerprint': 'SHA-256 指纹',
  'seal.certHint': '上传 .p12 / .pfx 文件及其密码。证书与密码加密保存，任何接口都不会返回；更换后，以原证书签章的文书仍可核验。',
  'seal.certFile': '证书文件（.p12 / .pfx）',
  'seal.certPassword': '证书密码',
  'seal.certUpload': '上传证书',
  'seal.certUploaded': '证书已更新。',
  'seal.chooseFile': '请选择文件',
  'seal.platformPick': '选择机构',

  'prof.title': '调解员与仲裁员资料',
  'prof.mine': '我的公开资料',
  'prof.hint': '姓名、照片、擅长领域和语言会公开显示在申请页面，供申请人选择。',
  'prof.speciality': '擅长领域',
  'prof.languages': '语言 / 方言',
  'prof.photo': '照片（PNG 或 JPEG，最大 300 KB）',
  'prof.removePhoto': '删除照片',
  'prof.save': '保存',
  'prof.saved': '已保存。',
  'prof.rating': '评价',
  'prof.noRating': '暂无评价',
  'prof.ratingValue': '{avg} 分（{n} 条）',
  'prof.edit': '编辑',
  'prof.none': '本机构暂无调解员或仲裁员。',

  'pick.title': '选择调解员（可选）',
  'pick.hint': '您可以选择希望办理本案的调解员或仲裁员，最终由机构指派。',
  'pick.noPreference': '不指定，由机构安排',
  'pick.languages': '语言：{v}',
  'pick.speciality': '擅长：{v}',
  'pick.empty': '该机构暂未公布调解员。',
  'pick.loadFailed': '调解员名单加载失败，可不选择直接提交。',

  'vby.label': '签章机构',
  'vby.org': '{org}的签章证书',
  'vby.orgEarlier': '{org}的签章证书（已更换的原证书）',
  'vby.server': '平台服务器证书（该机构未上传自有证书时使用）',

  'err.INVALID_SEAL_IMAGE': '印章图像不是可用的 PNG 文件。',
  'err.SEAL_NOT_TRANSPARENT': '印章图像须为透明背景的 PNG（带透明通道）。',
  'err.SEAL_IMAGE_TOO_LARGE': '印章图像过大（最大 512 KB，边长不超过 2048 像素）。',
  'err.INVALID_CERTIFICATE': '证书文件无法用该密码打开，或不含私钥及其证书。',
  'err.CERTIFICATE_EXPIRED': '该证书已过期。',
  'err.CERTIFICATE_TOO_LARGE': '证书文件过大（最大 64 KB）。',
  'err.INVALID_PHOTO': '照片须为 PNG 或 JPEG 图像。',
  'err.PHOTO_TOO_LARGE': '照片过大（最大 300 KB，边长不超过 2048 像素）。',

  'assignx.preference': '申请人希望由 {name} 办理',
  'assignx.preferenceUnavailable': '申请人希望由 {name} 办理（该人员已停用或不在本机构）',
  'assignx.noPreference': '申请人未指定调解员',
  'assignx.preferred': '申请人选择',
  'assignx.ratingNone': '暂无评价',
  'assignx.rating': '★{avg}（{n}）',
};

export const enSeal: Record<keyof typeof zhSeal, string> = {
  'nav.people': 'Profiles',
  'seal.title': 'Electronic seal and signing certificate',
  'seal.org': 'Organisation',
  'seal.current': 'Current seal',
  'seal.none': 'No seal image uploaded: agreements and other documents of this organisation will be sealed digitally only, with no seal image on them.',
  'seal.hint': "Upload the organisation's seal as a PNG (transparent background, at most 512 KB, 64–2048 pixels a side). It is stamped over the organisation's name and the date at the end of sealed documents; after a replacement, documents sealed earlier keep the earlier seal.",
  'seal.file': 'Seal image (PNG, transparent background)',
  'seal.upload': 'Upload seal',
  'seal.uploaded': 'Seal updated ({width}×{height} pixels).',
  'seal.earlier': '{n} earlier version(s) kept for documents sealed with them',
  'seal.certTitle': 'Signing certificate (PKCS#12)',
  'seal.certOwn': "The organisation's certificate: {subject}",
  'seal.certServer': "No certificate of the organisation: documents are sealed with the server's certificate ({subject}).",
  'seal.certServerDev': "No certificate of the organisation: documents are sealed with the server's self-signed development certificate, for testing only.",
  'seal.certValid': 'Valid from {from} to {to}',
  'seal.certFingerprint': 'SHA-256 fingerprint',
  'seal.certHint': 'Upload the .p12 / .pfx file and its password. Both are stored encrypted and no API ever returns them; documents sealed with an earlier certificate still verify.',
  'seal.certFile': 'Certificate file (.p12 / .pfx)',
  'seal.certPassword': 'Certificate password',
  'seal.certUpload': 'Upload certificate',
  'seal.certUploaded': 'Certificate updated.',
  'seal.chooseFile': 'Please choose a file',
  'seal.platformPick': 'Organisation',

  'prof.title': 'Mediators and arbitrators',
  'prof.mine': 'My public profile',
  'prof.hint': 'Name, photo, speciality and languages are shown publicly on the application page so applicants can choose.',
  'prof.speciality': 'Speciality',
  'prof.languages': 'Languages / dialects',
  'prof.photo': 'Photo (PNG or JPEG, at most 300 KB)',
  'prof.removePhoto': 'Remove photo',
  'prof.save': 'Save',
  'prof.saved': 'Saved.',
  'prof.rating': 'Rating',
  'prof.noRating': 'No ratings yet',
  'prof.ratingValue': '{avg} ({n} ratings)',
  'prof.edit': 'Edit',
  'prof.none': 'The organisation has no mediators or arbitrators yet.',

  'pick.title': 'Choose a mediator (optional)',
  'pick.hint': 'You may say which mediator or arbitrator you would like for your case; the organisation decides.',
  'pick.noPreference': 'No preference; the organisation decides',
  'pick.languages': 'Languages: {v}',
  'pick.speciality': 'Speciality: {v}',
  'pick.empty': 'This organisation has not published its mediators.',
  'pick.loadFailed': 'The list of mediators could not be loaded; you can send the application without choosing.',

  'vby.label': 'Sealed by',
  'vby.org': "{org}'s signing certificate",
  'vby.orgEarlier': "{org}'s signing certificate (an earlier, replaced one)",
  'vby.server': "The platform server's certificate (used while the organisation has none of its own)",

  'err.INVALID_SEAL_IMAGE': 'The seal image is not a usable PNG file.',
  'err.SEAL_NOT_TRANSPARENT': 'The seal must be a PNG with a transparent background (alpha channel).',
  'err.SEAL_IMAGE_TOO_LARGE': 'The seal image is too large (at most 512 KB and 2048 pixels a side).',
  'err.INVALID_CERTIFICATE': 'The certificate file does not open with this password, or holds no private key with its certificate.',
  'err.CERTIFICATE_EXPIRED': 'The certificate has expired.',
  'err.CERTIFICATE_TOO_LARGE': 'The certificate file is too large (at most 64 KB).',
  'err.INVALID_PHOTO': 'The photo must be a PNG or JPEG image.',
  'err.PHOTO_TOO_LARGE': 'The photo is too large (at most 300 KB and 2048 pixels a side).',

  'assignx.preference': 'The applicant would like {name}',
  'assignx.preferenceUnavailable': 'The applicant would like {name} (disabled or no longer with the organisation)',
  'assignx.noPreference': 'The applicant did not name a mediator',
  'assignx.preferred': "applicant's choice",
  'assignx.ratingNone': 'no ratings',
  'assignx.rating': '★{avg} ({n})',
};

registerStrings(zhSeal as unknown as Record<I18nKey, string>, enSeal as unknown as Record<I18nKey, string>);

export const k = (key: keyof typeof zhSeal): I18nKey => key as unknown as I18nKey;

/** A refused upload in the page's language when its code is one of ours; otherwise the server's message. */
export function codedError(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const key = `err.${String(code)}`;
  return typeof code === 'string' && key in zhSeal ? t(k(key as keyof typeof zhSeal)) : undefined;
}
