// The facts of each role that are the same on every runtime: names, bundle folders, FRR or not,
// and the CLI's `name[:pe]` syntax, on the repository's mini lab.
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, LabBuildError } from '../../src/errors.ts';
import type { Lab } from '../../src/lab/model.ts';
import { assertInLab, assertRunsFrr, cliTargetNames, describeTarget, labTargets, parseTarget, runsFrr, targetDir } from '../../src/runtime/roles.ts';
import type { Target } from '../../src/runtime/runtime.ts';
import { repoLab } from '../lab/helpers.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await repoLab('mini');
});

const pod: Target = { kind: 'pod', namespace: 'default', name: 'nginx-0' };

describe('roles', () => {
  it('every CLI name parses to a target whose folder and description are its own', () => {
    const names = cliTargetNames(lab);
    expect(names).toEqual(['edge1', 'tor1', 'client_red', 'mini-control-plane', 'mini-control-plane:pe']);
    const targets = names.map((n) => parseTarget(lab, n));
    expect(targets).toEqual([
      { kind: 'router', name: 'edge1' },
      { kind: 'router', name: 'tor1' },
      { kind: 'host', name: 'client_red' },
      { kind: 'speaker', node: 'mini-control-plane' },
      { kind: 'pe', node: 'mini-control-plane' },
    ]);
    expect(targets.map(targetDir)).toEqual(['edge1', 'tor1', 'client_red', 'mini-control-plane.speaker', 'mini-control-plane.pe']);
    expect(targets.map(describeTarget)).toEqual([
      'router edge1', 'router tor1', 'host client_red', 'speaker on mini-control-plane', 'PE router on mini-control-plane',
    ]);
    expect(new Set(labTargets(lab).map(targetDir))).toEqual(new Set(targets.map(targetDir)));
  });

  it('`name:speaker` is the default side spelled out; anything else is bad input listing the nodes', () => {
    expect(parseTarget(lab, 'mini-control-plane:speaker')).toEqual({ kind: 'speaker', node: 'mini-control-plane' });
    for (const bad of ['edge1:pe', 'nope', 'mini-control-plane:router', 'mini-control-plane:pe:x']) {
      expect(() => parseTarget(lab, bad)).toThrow(InputError);
      expect(() => parseTarget(lab, bad)).toThrow(`a node of lab mini: edge1, tor1, client_red, mini-control-plane, mini-control-plane:pe (got "${bad}")`);
    }
  });

  it('hosts and pods run no FRR, and asking one for FRR is a lab build error naming it', () => {
    expect(labTargets(lab).filter(runsFrr).map(targetDir)).toEqual(['edge1', 'tor1', 'mini-control-plane.pe', 'mini-control-plane.speaker']);
    expect(() => assertRunsFrr({ kind: 'host', name: 'client_red' })).toThrow(new LabBuildError('host client_red runs no FRR'));
    expect(() => assertRunsFrr(pod)).toThrow('pod default/nginx-0 runs no FRR');
    expect(targetDir({ kind: 'pod', namespace: '../ns', name: '.x y' })).toBe('pod.__ns._x_y');
  });

  it('a target outside the lab is refused, naming what the lab has', () => {
    expect(() => assertInLab(lab, { kind: 'router', name: 'spine' })).toThrow('lab mini has no router "spine" (routers: edge1, tor1)');
    expect(() => assertInLab(lab, { kind: 'pe', node: 'w2' })).toThrow('has no cluster node "w2"');
    expect(() => assertInLab(lab, pod)).not.toThrow();
    expect(() => assertInLab({ ...lab, cluster: undefined }, pod)).toThrow('lab mini has no cluster to run pod default/nginx-0 in');
  });
});
