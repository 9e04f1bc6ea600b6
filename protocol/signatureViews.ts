/**
 * What the API tells about a digital signature on a PDF (an agreement's signed
 * copy, a served court document). server/signing computes these.
 */

export interface SignerView {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** A generated development certificate: not the court's real key. */
  development: boolean;
}

export interface TimestampCheck {
  present: true;
  /** The token's signature verifies, it covers the given data, and its TSA certificate chains to a trusted root. */
  valid: boolean;
  /** The time the authority vouches for (genTime). */
  time: string;
  /** Subject of the authority's certificate. */
  authority?: string;
  coversSignature: boolean;
  signatureValid: boolean;
  chainValid: boolean;
  problem?: string;
}

export interface PdfSignatureCheck {
  /** The file carries a PDF signature at all. */
  present: boolean;
  /** Integrity, whole-document coverage, a trusted chain and a valid timestamp, all together. */
  valid: boolean;
  /** The CMS signature verifies over the signed byte ranges (no byte of them changed). */
  integrity: boolean;
  /** The signed ranges are the whole file except the signature itself: nothing was appended after signing. */
  coversWholeDocument: boolean;
  /** The signing certificate chains to a root this court trusts. */
  chainValid: boolean;
  signer?: SignerView;
  /** The signing time the signer claims (signingTime attribute); the timestamp is what proves it. */
  signedAt?: string;
  timestamp: TimestampCheck | { present: false; valid: false };
  problem?: string;
}
