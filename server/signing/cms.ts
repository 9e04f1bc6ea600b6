/**
 * CMS SignedData (RFC 5652), the envelope of both a PDF signature and an RFC 3161 timestamp
 * token, built and checked with pkijs on Node's WebCrypto.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pemToDer, type SigningIdentity } from './certificates.js';

// The WebCrypto types pkijs is written against, by name: the server build has no DOM library,
// where they live as globals, and Node's own webcrypto types differ from the DOM's in detail.
type Crypto = NonNullable<ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto']>;
type CryptoKey = Parameters<pkijs.SignedData['sign']>[0];

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: crypto.webcrypto as unknown as Crypto }));

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function certificateOf(pem: string): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(pemToDer(pem)));
}

/** A loaded identity: the parsed certificates and the WebCrypto key, made once. */
export interface Signer {
  identity: SigningIdentity;
  certificate: pkijs.Certificate;
  chain: pkijs.Certificate[];
  privateKey: CryptoKey;
}

export async function loadSigner(identity: SigningIdentity): Promise<Signer> {
  const privateKey = await crypto.webcrypto.subtle.importKey(
    'pkcs8',
    pemToDer(identity.keyPem),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return { identity, certificate: certificateOf(identity.certPem), chain: identity.chainPem.map(certificateOf), privateKey: privateKey as unknown as CryptoKey };
}

export function sha256(bytes: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(bytes).digest();
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/**
 * SignedData over `content`: attached (the content inside, as a timestamp token carries its
 * TSTInfo) or detached (a PDF signature signs the byte ranges around itself).
 */
export async function signContent(
  signer: Signer,
  options: { content: Uint8Array; contentType: string; attached: boolean; signingTime: Date; extraSignedAttributes?: pkijs.Attribute[]; includeCertificates?: boolean },
): Promise<pkijs.SignedData> {
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    // Listed in DER order (shortest encoding first), so the SET is encoded as DER requires.
    attributes: [
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: options.contentType })),
      attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: options.signingTime })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(options.content)) })),
      ...(options.extraSignedAttributes ?? []),
    ],
  });
  const signedData = new pkijs.SignedData({
    // RFC 5652 §5.1: version 3 when the content is not id-data.
    version: options.contentType === OID.data ? 1 : 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: options.contentType }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.certificate.issuer, serialNumber: signer.certificate.serialNumber }),
        signedAttrs,
      }),
    ],
    ...(options.includeCertificates === false ? {} : { certificates: [signer.certificate, ...signer.chain] }),
  });
  // Set after construction: pkijs's constructor would turn it into a constructed (BER) OCTET
  // STRING, which DER forbids and which pkijs's own TSTInfo check then cannot read.
  if (options.attached) signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: toArrayBuffer(options.content) });
  await signedData.sign(signer.privateKey, 0, 'SHA-256');
  return signedData;
}

export function contentInfoDer(signedData: pkijs.SignedData): Buffer {
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  if (info.contentType !== OID.signedData) throw new Error('not a CMS SignedData');
  return new pkijs.SignedData({ schema: info.content });
}

/** A certificate's subject as "CN=…, O=…, C=…". */
export function nameOf(name: pkijs.RelativeDistinguishedNames): string {
  const short: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST' };
  return name.typesAndValues.map((tv) => `${short[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`).join(', ');
}

export interface CmsCheck {
  /** The signature over the signed attributes verifies and the message digest matches the content. */
  signatureValid: boolean;
  /** The signer's certificate chains to one of the trusted roots, each certificate in its validity period at `at`. */
  chainValid: boolean;
  signer?: pkijs.Certificate;
  problem?: string;
}

/** Checks signer 0 of a SignedData, against detached `data` when given. */
export async function checkSignedData(signedData: pkijs.SignedData, options: { data?: Uint8Array; trusted: pkijs.Certificate[]; at?: Date }): Promise<CmsCheck> {
  const base = {
    signer: 0,
    ...(options.data ? { data: toArrayBuffer(options.data) } : {}),
    extendedMode: true as const,
  };
  let signatureValid = false;
  let signer: pkijs.Certificate | undefined;
  let problem: string | undefined;
  try {
    const result = await signedData.verify({ ...base, checkChain: false });
    signatureValid = result.signatureVerified === true;
    signer = result.signerCertificate ?? undefined;
  } catch (err) {
    const e = err as { signatureVerified?: boolean | null; signerCertificate?: pkijs.Certificate | null; message?: string };
    signatureValid = e.signatureVerified === true;
    signer = e.signerCertificate ?? undefined;
    problem = e.message;
  }
  let chainValid = false;
  if (signer && options.trusted.length > 0) {
    try {
      const engine = new pkijs.CertificateChainValidationEngine({
        trustedCerts: options.trusted,
        // pkijs takes the end-entity certificate last.
        certs: [...(signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate && c !== signer), signer],
        checkDate: options.at ?? new Date(),
      });
      const chain = await engine.verify();
      chainValid = chain.result === true;
      if (!chainValid) problem ??= chain.resultMessage;
    } catch (err) {
      problem ??= (err as Error).message;
    }
  }
  return { signatureValid, chainValid, ...(signer ? { signer } : {}), ...(problem ? { problem } : {}) };
}
