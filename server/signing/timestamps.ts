/**
 * RFC 3161 on the client side: ask a timestamp authority (the built-in one, in process, or any
 * TSA_URL) to timestamp a hash, and check a token against the hash it should cover.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { TimestampCheck } from '../../protocol/signatureViews.js';
import { OID, checkSignedData, nameOf, parseSignedData, sha256, toArrayBuffer } from './cms.js';

export type { TimestampCheck } from '../../protocol/signatureViews.js';

/** Where tokens come from: a function from a DER TimeStampReq to a DER TimeStampResp. */
export type TimestampTransport = (requestDer: Buffer) => Promise<Buffer>;

export function httpTransport(url: string, timeoutMs = 15_000): TimestampTransport {
  return async (requestDer) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(requestDer),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`the timestamp authority at ${url} answered HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
}

/** A DER TimeStampReq for the SHA-256 of `data`, asking for the TSA certificate. */
export function timestampRequest(data: Uint8Array): { der: Buffer; nonce: Buffer } {
  const nonce = crypto.randomBytes(8);
  nonce[0] = (nonce[0] ?? 0) & 0x7f;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(data)) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  return { der: Buffer.from(request.toSchema().toBER(false)), nonce };
}

/** The token (a DER ContentInfo) out of a response, after checking it answers this request. */
export function tokenFromResponse(responseDer: Uint8Array, data: Uint8Array, nonce: Buffer): Buffer {
  const resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(responseDer));
  if (resp.status.status !== pkijs.PKIStatus.granted && resp.status.status !== pkijs.PKIStatus.grantedWithMods) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? '';
    throw new Error(`the timestamp authority refused the request (status ${resp.status.status}${text ? `: ${text}` : ''})`);
  }
  if (!resp.timeStampToken) throw new Error('the timestamp authority granted no token');
  const token = Buffer.from(resp.timeStampToken.toSchema().toBER(false));
  const info = tstInfoOf(token);
  if (!Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(sha256(data))) {
    throw new Error('the timestamp token covers another hash');
  }
  const tokenNonce = info.nonce ? Buffer.from(info.nonce.valueBlock.valueHexView) : undefined;
  if (!tokenNonce || !stripZeros(tokenNonce).equals(stripZeros(nonce))) throw new Error('the timestamp token answers another request (nonce)');
  return token;
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function tstInfoOf(token: Uint8Array): pkijs.TSTInfo {
  const signedData = parseSignedData(token);
  if (signedData.encapContentInfo.eContentType !== OID.tstInfo || !signedData.encapContentInfo.eContent) throw new Error('not a timestamp token');
  const eContent = signedData.encapContentInfo.eContent;
  // A constructed OCTET STRING (BER) keeps its pieces in value; a primitive one in valueHexView.
  const bytes = eContent.idBlock.isConstructed
    ? Buffer.concat(eContent.valueBlock.value.map((v) => Buffer.from((v as asn1js.OctetString).valueBlock.valueHexView)))
    : Buffer.from(eContent.valueBlock.valueHexView);
  return pkijs.TSTInfo.fromBER(toArrayBuffer(bytes));
}

export async function fetchTimestamp(transport: TimestampTransport, data: Uint8Array): Promise<Buffer> {
  const { der, nonce } = timestampRequest(data);
  return tokenFromResponse(await transport(der), data, nonce);
}

export async function checkTimestamp(token: Uint8Array, data: Uint8Array, trusted: pkijs.Certificate[]): Promise<TimestampCheck> {
  const info = tstInfoOf(token);
  const algorithm = info.messageImprint.hashAlgorithm.algorithmId;
  const digest = algorithm === OID.sha256 ? sha256(data) : undefined;
  const coversSignature = !!digest && Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(digest);
  // The chain is judged at the time stamped, which is what a timestamp is for.
  // pkijs checks the token's message imprint against `data` too.
  const cms = await checkSignedData(parseSignedData(token), { data, trusted, at: info.genTime });
  return {
    present: true,
    valid: coversSignature && cms.signatureValid && cms.chainValid,
    time: info.genTime.toISOString(),
    ...(cms.signer ? { authority: nameOf(cms.signer.subject) } : {}),
    coversSignature,
    signatureValid: cms.signatureValid,
    chainValid: cms.chainValid,
    ...(cms.problem ? { problem: cms.problem } : !coversSignature ? { problem: 'the token covers another hash' } : {}),
  };
}
