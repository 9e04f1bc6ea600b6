import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/process.js';

/** package.json's `engines.node` is a promise to users; the tests must run on what it names. */
describe('the Node.js the tests run on', () => {
  it('satisfies package.json engines (the lowest major it allows)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const m = /^>=\s*(\d+)(?:\.(\d+))?/.exec(pkg.engines.node);
    expect(m, `engines.node "${pkg.engines.node}" is not of the form >=MAJOR[.MINOR]`).not.toBeNull();
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const wantMajor = Number(m![1]);
    const wantMinor = Number(m![2] ?? 0);
    expect(major > wantMajor || (major === wantMajor && minor >= wantMinor), `running Node ${process.versions.node}, engines says ${pkg.engines.node}`).toBe(true);
    // Node 20 reached end of life in April 2026; the project's dependencies need >= 22.
    expect(wantMajor).toBeGreaterThanOrEqual(22);
  });
});
