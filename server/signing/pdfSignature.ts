/**
 * PDF digital signatures (ISO 32000 §12.8, adbe.pkcs7.detached): a signature dictionary is
 * appended as an incremental update by @signpdf, and our signer fills it with a CMS
 * SignedData over the byte ranges that carries an RFC 3161 timestamp of its own signature
 * value (the signature-time-stamp unsigned attribute, RFC 3161 Appendix A), so the signing
 * time is vouched for by a timestamp authority and not only claimed by the signer.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer as SignpdfSigner, SUBFILTER_ADOBE_PKCS7_DETACHED } from '@signpdf/utils';
import { isDevelopmentCertificate } from './certificates.js';
import { OID, checkSignedData, contentInfoDer, nameOf, parseSignedData, signContent, toArrayBuffer, type Signer } from './cms.js';
import type { PdfSignatureCheck, SignerView } from '../../protocol/signatureViews.js';
import { checkTimestamp, fetchTimestamp, type TimestampTransport } from './timestamps.js';

// The results are part of the API (protocol/signatureViews.ts).
export type { PdfSignatureCheck, SignerView } from '../../protocol/signatureViews.js';

/** Room for the CMS: three certificates and a timestamp token with its own certificate fit well inside. */
const SIGNATURE_LENGTH = 16_384;

/** @signpdf calls sign() with the bytes the byte ranges cover; we return the CMS. */
class TimestampingSigner extends SignpdfSigner {
  constructor(
    private readonly signer: Signer,
    private readonly timestamps: TimestampTransport,
  ) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const signedData = await signContent(this.signer, { content: pdfBuffer, contentType: OID.data, attached: false, signingTime: signingTime ?? new Date() });
    const signerInfo = signedData.signerInfos[0];
    if (!signerInfo) throw new Error('no signer info');
    const token = await fetchTimestamp(this.timestamps, new Uint8Array(signerInfo.signature.valueBlock.valueHexView));
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [asn1js.fromBER(toArrayBuffer(token)).result] })],
    });
    return contentInfoDer(signedData);
  }
}

export interface SignatureLabel {
  /** Why the court signs, as shown by PDF readers (/Reason). */
  reason: string;
  /** Who signs (/Name). */
  name: string;
  location: string;
}

export async function signPdf(pdf: Buffer, signer: Signer, timestamps: TimestampTransport, label: SignatureLabel, signingTime: Date): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: label.reason,
    contactInfo: '',
    name: label.name,
    location: label.location,
    signingTime,
    signatureLength: SIGNATURE_LENGTH,
    subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
    appName: 'microcourt',
  });
  return new SignPdf().sign(withPlaceholder, new TimestampingSigner(signer, timestamps), signingTime);
}

const NONE: PdfSignatureCheck = { present: false, valid: false, integrity: false, coversWholeDocument: false, chainValid: false, timestamp: { present: false, valid: false } };

interface Located {
  signedBytes: Buffer;
  cms: Buffer;
  coversWholeDocument: boolean;
}

/** The last signature of the file (the one an incremental update put at the end). */
function locateLastSignature(pdf: Buffer): Located | undefined {
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  if (!last) return undefined;
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  if (a !== 0 || b < 1 || c <= b || c + d > pdf.length || pdf[b] !== 0x3c /* < */ || pdf[c - 1] !== 0x3e /* > */) return undefined;
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return {
    signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
    cms: Buffer.from(hex, 'hex'),
    // Tolerate the end-of-line some writers leave after the final %%EOF.
    coversWholeDocument: pdf.subarray(c + d).toString('latin1').trim() === '',
  };
}

function signerView(cert: pkijs.Certificate): SignerView {
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    serialNumber: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex'),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    development: isDevelopmentCertificate(`-----BEGIN CERTIFICATE-----\n${Buffer.from(cert.toSchema().toBER(false)).toString('base64')}\n-----END CERTIFICATE-----`),
  };
}

function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | undefined {
  const attr = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const value = attr?.values[0] as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  return value?.toDate();
}

/** Everything a verifier needs to know about the last signature of a PDF. */
export async function checkPdfSignature(pdf: Buffer, trust: { court: pkijs.Certificate[]; tsa: pkijs.Certificate[] }): Promise<PdfSignatureCheck> {
  const located = locateLastSignature(pdf);
  if (!located) return NONE;
  let signedData: pkijs.SignedData;
  try {
    signedData = parseSignedData(located.cms);
  } catch {
    return { ...NONE, present: true, problem: 'the signature is not a readable CMS SignedData' };
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) return { ...NONE, present: true, problem: 'the signature has no signer' };
  const token = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken)?.values[0] as asn1js.AsnType | undefined;
  let timestamp: PdfSignatureCheck['timestamp'] = { present: false, valid: false };
  let at: Date | undefined;
  if (token) {
    try {
      timestamp = await checkTimestamp(new Uint8Array(token.toBER(false)), new Uint8Array(signerInfo.signature.valueBlock.valueHexView), trust.tsa);
      if (timestamp.valid) at = new Date(timestamp.time);
    } catch {
      timestamp = { present: true, valid: false, time: '', coversSignature: false, signatureValid: false, chainValid: false, problem: 'the timestamp token is unreadable' };
    }
  }
  // The certificate must have been valid when the TSA says the signature existed; without a valid timestamp, now.
  const cms = await checkSignedData(signedData, { data: located.signedBytes, trusted: trust.court, ...(at ? { at } : {}) });
  const signedAt = signingTimeOf(signerInfo);
  const problem =
    !cms.signatureValid ? 'the document was changed after it was signed'
    : !located.coversWholeDocument ? 'content was added after the signature'
    : !cms.chainValid ? `the signing certificate is not trusted${cms.problem ? ` (${cms.problem})` : ''}`
    : !timestamp.valid ? (timestamp.present ? `the timestamp is not valid${timestamp.problem ? ` (${timestamp.problem})` : ''}` : 'the signature has no timestamp')
    : undefined;
  return {
    present: true,
    valid: cms.signatureValid && located.coversWholeDocument && cms.chainValid && timestamp.valid,
    integrity: cms.signatureValid,
    coversWholeDocument: located.coversWholeDocument,
    chainValid: cms.chainValid,
    ...(cms.signer ? { signer: signerView(cms.signer) } : {}),
    ...(signedAt ? { signedAt: signedAt.toISOString() } : {}),
    timestamp,
    ...(problem ? { problem } : {}),
  };
}
