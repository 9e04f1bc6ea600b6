/**
 * Keys and certificates the court signs with: loaded from a PKCS#12 file, or generated for
 * development. Certificates are made with node-forge (pure JS, nothing to download); keys with
 * Node's own crypto, which is much faster than forge at RSA key generation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

/** A key with its certificate and the certificates up to (and including) a root. */
export interface SigningIdentity {
  keyPem: string;
  certPem: string;
  /** Issuers of certPem, nearest first; the last one is the root when the chain is complete. */
  chainPem: string[];
  /** Generated on first start for development: never accepted in production. */
  development: boolean;
}

/** Printed in every generated certificate's subject, so nobody mistakes one for the court's. */
export const DEVELOPMENT_MARK = 'DEVELOPMENT ONLY - not valid for court use';

/** PKCS#12 bag types (RFC 7292 §4.2). */
const OIDS = { keyBag: '1.2.840.113549.1.12.10.1.1', pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2', certBag: '1.2.840.113549.1.12.10.1.3' };

interface Issuer {
  keyPem: string;
  certPem: string;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string } {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

const SERIAL_BYTES = 16;

/**
 * A certificate serial number as forge wants it (hex), from random bytes: RFC 5280 §4.1.2.2
 * asks for a positive integer of at most 20 octets, and DER for its shortest encoding. The first
 * byte is kept in 0x40-0x7f: positive without a 0x00 pad and never a redundant leading zero
 * (which OpenSSL, Node and some pkijs paths refuse as "illegal padding"), 126 random bits left.
 */
export function certificateSerial(random: Buffer): string {
  if (random.length !== SERIAL_BYTES) throw new Error(`a serial takes ${SERIAL_BYTES} random bytes`);
  const bytes = Buffer.from(random);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function makeCertificate(options: {
  commonName: string;
  organization: string;
  years: number;
  issuer?: Issuer;
  ca: boolean;
  timestamping?: boolean;
}): Issuer {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = certificateSerial(crypto.randomBytes(SERIAL_BYTES));
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + options.years * 365 * 24 * 60 * 60 * 1000);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: options.organization },
    { name: 'countryName', value: 'CN' },
  ];
  cert.setSubject(subject);
  const issuerCert = options.issuer ? forge.pki.certificateFromPem(options.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: options.ca, critical: true },
    options.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  // RFC 3161 §2.3: a TSA certificate has exactly one extended key usage, timeStamping, critical.
  if (options.timestamping) extensions.push({ name: 'extKeyUsage', critical: true, timeStamping: true });
  if (issuerCert) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(extensions);
  const signingKey = options.issuer ? forge.pki.privateKeyFromPem(options.issuer.keyPem) : keys.privateKey;
  cert.sign(signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { keyPem: keys.keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** A root and one leaf issued by it: what a development court or the local TSA signs with. */
export function generateIdentity(options: { rootName: string; leafName: string; organization: string; timestamping?: boolean; development: boolean }): SigningIdentity {
  const root = makeCertificate({ commonName: options.rootName, organization: options.organization, years: 20, ca: true });
  const leaf = makeCertificate({
    commonName: options.leafName,
    organization: options.organization,
    years: 10,
    issuer: root,
    ca: false,
    ...(options.timestamping ? { timestamping: true } : {}),
  });
  return { keyPem: leaf.keyPem, certPem: leaf.certPem, chainPem: [root.certPem], development: options.development };
}

/**
 * The identity stored at `file`, or a new one written there. Written by hard-linking a
 * finished temporary file, so two processes starting at once agree on one identity: the
 * loser of the race reads the winner's.
 */
export function loadOrCreateIdentity(file: string, create: () => SigningIdentity): SigningIdentity {
  const read = () => JSON.parse(fs.readFileSync(file, 'utf8')) as SigningIdentity;
  if (fs.existsSync(file)) return read();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(create(), null, 2), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return read();
}

/** Key, certificate and chain out of a PKCS#12 file (the form a CA hands a court its key in). */
export function identityFromP12(bytes: Buffer, password: string): SigningIdentity {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  const bags = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(OIDS.pkcs8ShroudedKeyBag), ...bags(OIDS.keyBag)];
  const key = keyBags.find((b) => b.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error('the PKCS#12 file holds no private key');
  const certs = bags(OIDS.certBag).flatMap((b) => (b.cert ? [b.cert] : []));
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.equals(key.n) === true;
  });
  if (!own) throw new Error('the PKCS#12 file holds no certificate for its private key');
  return {
    keyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))),
    certPem: forge.pki.certificateToPem(own),
    chainPem: orderChain(own, certs.filter((c) => c !== own)).map((c) => forge.pki.certificateToPem(c)),
    development: isDevelopmentCertificate(forge.pki.certificateToPem(own)),
  };
}

/** Issuers of `leaf` among `others`, nearest first, as far as they go. */
function orderChain(leaf: forge.pki.Certificate, others: forge.pki.Certificate[]): forge.pki.Certificate[] {
  const chain: forge.pki.Certificate[] = [];
  let current = leaf;
  const pool = [...others];
  for (;;) {
    const next = pool.findIndex((c) => current.isIssuer(c));
    if (next < 0 || current.isIssuer(current)) break;
    const [issuer] = pool.splice(next, 1);
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

export function isDevelopmentCertificate(certPem: string): boolean {
  const cert = forge.pki.certificateFromPem(certPem);
  return [...cert.subject.attributes, ...cert.issuer.attributes].some((a) => typeof a.value === 'string' && a.value.includes(DEVELOPMENT_MARK));
}

/** PEM certificates in a file, in order. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
