/**
 * The built-in RFC 3161 timestamp authority: it answers a TimeStampReq with a TimeStampResp
 * whose token, signed by the TSA's own key, binds the requested hash to the server's clock.
 * Served at POST /api/tsa, so any RFC 3161 client (openssl ts, Adobe) can use it too.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, contentInfoDer, sha256, signContent, toArrayBuffer, type Signer } from './cms.js';

/** The policy under which the local TSA issues tokens (an arc under the platform's private OID space). */
export const LOCAL_TSA_POLICY = '1.3.6.1.4.1.57264.3161.1';

const HASH_LENGTHS: Record<string, number> = {
  [OID.sha256]: 32,
  '2.16.840.1.101.3.4.2.2': 48, // SHA-384
  '2.16.840.1.101.3.4.2.3': 64, // SHA-512
};

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const FAIL = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15 } as const;

function rejection(bit: number, text: string): Buffer {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[Math.floor(bit / 8)] = 0x80 >> bit % 8;
  const failInfo = new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits: 7 - (bit % 8) });
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.rejection, statusStrings: [new asn1js.Utf8String({ value: text })], failInfo }),
  });
  return Buffer.from(resp.toSchema().toBER(false));
}

/** ESS signingCertificateV2 (RFC 5035): names the TSA certificate inside the signature, as RFC 3161 §2.4.1 requires. */
function signingCertificateV2(signer: Signer): pkijs.Attribute {
  const certHash = sha256(new Uint8Array(signer.certificate.toSchema().toBER(false)));
  // ESSCertIDv2 with the default hash algorithm (SHA-256), which DER leaves out.
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) })] });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

export class LocalTsa {
  constructor(
    private readonly signer: Signer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get certificatePem(): string {
    return this.signer.identity.certPem;
  }

  /** A DER TimeStampResp for a DER TimeStampReq; malformed requests get a rejection, never an exception. */
  async respond(requestDer: Uint8Array): Promise<Buffer> {
    let request: pkijs.TimeStampReq;
    try {
      request = pkijs.TimeStampReq.fromBER(toArrayBuffer(requestDer));
    } catch {
      return rejection(FAIL.badDataFormat, 'The request is not a DER TimeStampReq.');
    }
    const algorithm = request.messageImprint.hashAlgorithm.algorithmId;
    const expected = HASH_LENGTHS[algorithm];
    if (!expected) return rejection(FAIL.badAlg, 'Unsupported hash algorithm; use SHA-256, SHA-384 or SHA-512.');
    if (request.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== expected) {
      return rejection(FAIL.badDataFormat, 'The hashed message does not have the length of its algorithm.');
    }
    if (request.reqPolicy && request.reqPolicy !== LOCAL_TSA_POLICY) return rejection(FAIL.unacceptedPolicy, 'Unknown policy.');

    const genTime = this.now();
    const serial = crypto.randomBytes(16);
    serial[0] = (serial[0] ?? 0) & 0x7f; // positive INTEGER
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: LOCAL_TSA_POLICY,
      messageImprint: request.messageImprint,
      serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(serial) }),
      genTime,
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    const content = new Uint8Array(tstInfo.toSchema().toBER(false));
    const signedData = await signContent(this.signer, {
      content,
      contentType: OID.tstInfo,
      attached: true,
      signingTime: genTime,
      extraSignedAttributes: [signingCertificateV2(this.signer)],
      // RFC 3161 §2.4.1: the certificate is included only when asked for.
      includeCertificates: request.certReq === true,
    });
    const resp = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
      timeStampToken: pkijs.ContentInfo.fromBER(toArrayBuffer(contentInfoDer(signedData))),
    });
    return Buffer.from(resp.toSchema().toBER(false));
  }
}
