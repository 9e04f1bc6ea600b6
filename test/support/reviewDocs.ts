/**
 * Papers for the reading review, generated in the test: a complaint drawn with the CJK font (as
 * a PDF with a text layer, or scanned: rendered to an image by pdftoppm), a synthetic resident ID
 * card (fictional data, a valid check digit), and evidence pages, optionally as an image-only PDF
 * so that they go through OCR.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { renderPdf } from '../../server/documents/pdf.js';
import { parsePgm, type GreyImage } from '../../server/review/pageImage.js';
import { idCheckCharacter } from '../../state-machines/rules/idNumber.js';

const run = promisify(execFile);

export function idNumberFor(first17: string): string {
  return first17 + idCheckCharacter(first17);
}

export interface ComplaintText {
  plaintiff: string;
  defendants: string[];
  amount: string;
  signed?: boolean;
}

export function complaintLines(c: ComplaintText): string[] {
  return [
    '民事起诉状',
    `原告：${c.plaintiff}，男，1985年5月5日出生，住北京市朝阳区建国路1号。`,
    ...c.defendants.map((d) => `被告：${d}，住北京市海淀区中关村大街2号。`),
    '诉讼请求：',
    `1. 判令被告偿还借款人民币${c.amount}元；`,
    '2. 本案诉讼费由被告承担。',
    '事实与理由：',
    '被告于2025年3月1日向原告借款，约定三个月内归还，至今未还。',
    '此致',
    '北京市朝阳区人民法院',
    ...(c.signed === false ? [] : [`具状人：${c.plaintiff}`, '2026年1月5日']),
  ];
}

/** Sentences of the kind court papers carry, for generated pages of printed Chinese. */
export const COURT_SENTENCES = [
  '原告与被告于二〇二三年签订借款合同', '被告应当按照约定的期限返还借款', '人民法院依法组成合议庭公开开庭审理',
  '当事人对自己提出的主张有责任提供证据', '本案争议的焦点在于合同是否有效', '被告辩称其已经履行了全部还款义务',
  '证人出庭作证并接受了双方的询问', '原告提交的银行转账凭证真实合法', '双方当事人在法庭主持下自愿达成协议',
  '诉讼费用由败诉方负担', '判决书送达后十五日内可以提起上诉', '劳动者有权依法获得劳动报酬',
  '用人单位应当支付拖欠的工资及经济补偿', '房屋租赁合同约定每月租金三千元', '物业服务企业应当履行维修义务',
  '交通事故造成的损失由保险公司赔偿', '被告未按期支付货款构成违约', '请求判令解除双方之间的买卖合同',
];

/**
 * Ten of the court sentences in an order drawn from `seed`: pages of one layout (a title, nine
 * lines) whose print differs, as the pages of a bundle of evidence do.
 */
export function layoutPage(seed: number): string[] {
  const lines = [...COURT_SENTENCES];
  let x = (seed * 2654435761 + 12345) % 2147483648;
  for (let i = lines.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.slice(0, 10);
}

/** A PDF with one page per entry of `pages`, each a list of lines; big print so a scan of it reads well. */
export function textPdf(pages: string[][], size = 16): Promise<Buffer> {
  return renderPdf({ title: 'test', createdAt: '2026-01-05T00:00:00.000Z' }, (doc) => {
    pages.forEach((lines, i) => {
      if (i > 0) doc.addPage();
      for (const line of lines) doc.fontSize(line === lines[0] ? size + 6 : size).text(line, { lineGap: 6 });
    });
  });
}

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'microcourt-test-'));
  try {
    return await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Every page of a PDF as a PNG (a "scan"), at `dpi`. */
export function rasterize(pdf: Buffer, dpi = 150): Promise<Buffer[]> {
  return inTemp(async (dir) => {
    await fs.writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-png', path.join(dir, 'in.pdf'), path.join(dir, 'p')]);
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.png')).sort();
    return Promise.all(names.map((n) => fs.readFile(path.join(dir, n))));
  });
}

export interface Rescan {
  /** Rotation, in degrees (a sheet laid slightly askew on the glass). */
  degrees: number;
  /** Where the sheet lies on the glass, in pixels right and down. */
  shiftX?: number;
  shiftY?: number;
}

/**
 * The same sheet scanned again, as a JPEG: rotated, shifted, with grain noise and JPEG at quality
 * scale 8 (ffmpeg's 2-31, lower is better).
 */
export function rescan(png: Buffer, how: Rescan): Promise<Buffer> {
  return inTemp(async (dir) => {
    await fs.writeFile(path.join(dir, 'in.png'), png);
    const dx = Math.max(0, Math.round(how.shiftX ?? 0));
    const dy = Math.max(0, Math.round(how.shiftY ?? 0));
    const filters = [`rotate=${how.degrees}*PI/180:fillcolor=white`, `pad=iw+${dx}:ih+${dy}:${dx}:${dy}:white`, `crop=iw-${dx}:ih-${dy}:0:0`, 'noise=alls=20:allf=u'];
    await run('ffmpeg', ['-v', 'error', '-i', path.join(dir, 'in.png'), '-vf', filters.join(','), '-q:v', '8', path.join(dir, 'out.jpg')]);
    return fs.readFile(path.join(dir, 'out.jpg'));
  });
}

/** Every page of a PDF as a grey image at `dpi`, as the review renders a page (pdftoppm). */
export function greyPages(pdf: Buffer, dpi: number): Promise<GreyImage[]> {
  return inTemp(async (dir) => {
    await fs.writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-gray', path.join(dir, 'in.pdf'), path.join(dir, 'p')]);
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.pgm')).sort();
    return Promise.all(names.map(async (n) => parsePgm(await fs.readFile(path.join(dir, n)))!));
  });
}

/** A photo or scan turned grey the way the review opens one (ffmpeg, no side over 2400 px). */
export function greyImage(photo: Buffer): Promise<GreyImage> {
  return inTemp(async (dir) => {
    await fs.writeFile(path.join(dir, 'in'), photo);
    await run('ffmpeg', ['-v', 'error', '-i', path.join(dir, 'in'), '-frames:v', '1', '-vf', "scale='min(2400,iw)':-2:flags=area,format=gray", '-c:v', 'pgm', path.join(dir, 'out.pgm')]);
    return parsePgm(await fs.readFile(path.join(dir, 'out.pgm')))!;
  });
}

/** An image-only PDF: each PNG as a full A4 page, no text layer. */
export function imagePdf(pngs: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const png of pngs) {
      doc.addPage({ size: 'A4', margin: 0 });
      doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
    }
    doc.end();
  });
}

export interface IdCard {
  name: string;
  idNumber: string;
  validFrom?: string;
  validUntil?: string;
}

/** A synthetic ID card: front (name, number) and back (validity) on one image, as a phone would photograph both. */
export async function idCardPng(card: IdCard): Promise<Buffer> {
  const pdf = await renderPdf({ title: 'id', createdAt: '2026-01-05T00:00:00.000Z' }, (doc) => {
    doc.fontSize(22).text('居民身份证', { lineGap: 10 });
    doc.fontSize(18);
    doc.text(`姓名 ${card.name}`, { lineGap: 10 });
    doc.text('性别 男  民族 汉', { lineGap: 10 });
    doc.text('出生 1985年5月5日', { lineGap: 10 });
    doc.text('住址 北京市朝阳区建国路1号', { lineGap: 10 });
    doc.text(`公民身份号码 ${card.idNumber}`, { lineGap: 24 });
    doc.text('签发机关 北京市公安局朝阳分局', { lineGap: 10 });
    doc.text(`有效期限 ${card.validFrom ?? '2016.01.01'}-${card.validUntil ?? '2036.01.01'}`);
  });
  const [png] = await rasterize(pdf, 150);
  if (!png) throw new Error('the ID card did not render');
  return png;
}
