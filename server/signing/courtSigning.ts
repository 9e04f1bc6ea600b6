/**
 * The court's seal in digital form: one place that signs every PDF the court issues and
 * checks the signature of any PDF handed back to it.
 *
 * Keys: the court's from COURT_SIGNING_P12 (with its password), or, outside production, a
 * development root and certificate generated on first start under SIGNING_DIR and marked
 * as development in their subject. The built-in TSA always has its own key and certificate
 * (generated under SIGNING_DIR); TSA_URL sends timestamp requests elsewhere instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as pkijs from 'pkijs';
import type { SigningConfig } from '../config.js';
import { DEVELOPMENT_MARK, generateIdentity, identityFromP12, loadOrCreateIdentity, pemCertificates, type SigningIdentity } from './certificates.js';
import { certificateOf, loadSigner, type Signer } from './cms.js';
import { checkPdfSignature, signPdf, type PdfSignatureCheck, type SignatureLabel } from './pdfSignature.js';
import { httpTransport, type TimestampTransport } from './timestamps.js';
import { LocalTsa } from './tsa.js';

export class SigningConfigError extends Error {
  override name = 'SigningConfigError';
}

function courtIdentity(config: SigningConfig, production: boolean): SigningIdentity {
  if (config.p12Path) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(config.p12Path);
    } catch {
      throw new SigningConfigError(`COURT_SIGNING_P12: cannot read ${config.p12Path}`);
    }
    let identity: SigningIdentity;
    try {
      identity = identityFromP12(bytes, config.p12Password ?? '');
    } catch (err) {
      throw new SigningConfigError(`COURT_SIGNING_P12: ${(err as Error).message} (wrong COURT_SIGNING_P12_PASSWORD?)`);
    }
    if (production && identity.development) throw new SigningConfigError('COURT_SIGNING_P12 holds a development certificate; production needs the court\'s own.');
    return identity;
  }
  if (production) throw new SigningConfigError('COURT_SIGNING_P12 is required when NODE_ENV=production (the development certificate is refused).');
  return loadOrCreateIdentity(path.join(config.dir, 'court-development.json'), () =>
    generateIdentity({
      rootName: `microcourt development root CA (${DEVELOPMENT_MARK})`,
      leafName: `microcourt court seal (${DEVELOPMENT_MARK})`,
      organization: `microcourt ${DEVELOPMENT_MARK}`,
      development: true,
    }),
  );
}

function tsaIdentity(config: SigningConfig): SigningIdentity {
  return loadOrCreateIdentity(path.join(config.dir, 'local-tsa.json'), () =>
    generateIdentity({ rootName: 'microcourt local TSA root', leafName: 'microcourt local timestamp authority', organization: 'microcourt', timestamping: true, development: false }),
  );
}

function readPems(file: string | undefined, variable: string): string[] {
  if (!file) return [];
  try {
    const certs = pemCertificates(fs.readFileSync(file, 'utf8'));
    if (certs.length === 0) throw new Error('no certificate');
    return certs;
  } catch {
    throw new SigningConfigError(`${variable}: ${file} holds no PEM certificate`);
  }
}

/** The self-signed end of a chain (a root), which verifiers trust. */
function rootsOf(identity: SigningIdentity): string[] {
  const last = identity.chainPem.at(-1);
  if (!last) return [];
  const cert = certificateOf(last);
  return cert.subject.isEqual(cert.issuer) ? [last] : [];
}

export class CourtSigning {
  readonly court: SigningIdentity;
  /** The built-in RFC 3161 authority (POST /api/tsa), whatever TSA_URL says. */
  readonly localTsa: Pick<LocalTsa, 'respond'>;
  readonly tsa: SigningIdentity;
  readonly timestamps: TimestampTransport;
  private readonly tsaSigner: Promise<Signer>;
  private readonly courtSigner: Promise<Signer>;
  private readonly trust: { court: pkijs.Certificate[]; tsa: pkijs.Certificate[] };

  constructor(config: SigningConfig, options: { production: boolean; now?: () => Date }) {
    this.court = courtIdentity(config, options.production);
    const tsa = tsaIdentity(config);
    this.tsa = tsa;
    // Key imports are asynchronous; started now so that the first document does not wait for them.
    this.courtSigner = loadSigner(this.court);
    this.tsaSigner = loadSigner(tsa);
    this.courtSigner.catch(() => undefined);
    this.tsaSigner.catch(() => undefined);
    const lazyTsa = new LazyTsa(this.tsaSigner, options.now);
    this.localTsa = lazyTsa;
    this.timestamps = config.tsaUrl ? httpTransport(config.tsaUrl) : (der) => lazyTsa.respond(der);
    this.trust = {
      court: [...rootsOf(this.court), ...readPems(config.caPemPath, 'COURT_SIGNING_CA_PEM')].map(certificateOf),
      tsa: [...rootsOf(tsa), ...readPems(config.tsaCaPemPath, 'TSA_CA_PEM')].map(certificateOf),
    };
  }

  get development(): boolean {
    return this.court.development;
  }

  /** The PDF with the court's signature and a timestamp appended as an incremental update. */
  async sign(pdf: Buffer, label: Partial<SignatureLabel> & { reason: string }, at = new Date()): Promise<Buffer> {
    return signPdf(pdf, await this.courtSigner, this.timestamps, { name: label.name ?? 'microcourt', location: label.location ?? 'CN', reason: label.reason }, at);
  }

  check(pdf: Buffer): Promise<PdfSignatureCheck> {
    return checkPdfSignature(pdf, this.trust);
  }
}

/** The local TSA once its key is imported. */
class LazyTsa {
  private tsa: Promise<LocalTsa>;
  constructor(signer: Promise<Signer>, now?: () => Date) {
    this.tsa = signer.then((s) => new LocalTsa(s, now));
  }
  async respond(der: Uint8Array): Promise<Buffer> {
    return (await this.tsa).respond(der);
  }
}
