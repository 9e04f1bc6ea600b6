import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerViolations, longFiles, readImportGraph, serverFolderCycles, type ImportGraph } from '../../support/importGraph.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the import graph keeps the layers of ARCHITECTURE.md', () => {
  const graph = readImportGraph(root);

  it('reads the real source tree', () => {
    // Guards the checks below against passing on an empty graph.
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('server/main.ts')?.length).toBeGreaterThan(0);
  });

  it('state-machines/ and media/ import nothing above them; the client imports only protocol/ and the rules', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has no cycle between server folders', () => {
    expect(serverFolderCycles(graph)).toEqual([]);
  });

  it('has no source file over 400 lines', () => {
    expect(longFiles(root, 400)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const fake: ImportGraph = new Map([
    ['state-machines/hearing/sessionMachine.ts', ['server/protocol/hearing.ts']],
    ['media/mediaRoom.ts', ['media/codecs.ts']],
    ['client/src/api/types.ts', ['server/cases/caseView.ts', 'protocol/views.ts', 'state-machines/rules/fees.ts']],
    ['client/src/x.ts', ['state-machines/case/caseMachine.ts']],
    ['server/cases/a.ts', ['server/notifications/b.ts', 'server/config.ts']],
    ['server/notifications/b.ts', ['server/service/c.ts']],
    ['server/service/c.ts', ['server/cases/d.ts']],
    ['server/users/u.ts', ['server/cases/a.ts']],
  ]);

  it('names each import that crosses a layer the wrong way', () => {
    expect(layerViolations(fake)).toEqual([
      'client/src/api/types.ts -> server/cases/caseView.ts',
      'client/src/x.ts -> state-machines/case/caseMachine.ts',
      'state-machines/hearing/sessionMachine.ts -> server/protocol/hearing.ts',
    ]);
  });

  it('finds a cycle through three folders and leaves a one-way arrow alone', () => {
    const cycles = serverFolderCycles(fake);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/^server\/cases ↔ server\/notifications ↔ server\/service: /);
    expect(cycles[0]).not.toContain('server/users');
  });
});
