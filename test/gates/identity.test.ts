import { describe, expect, test } from '@jest/globals';
import { approvalCounts, countedApprovers } from '../../src/gates/approvals.js';
import { describeRunner, matchIdentity, type Runner } from '../../src/gates/identity.js';
import type { Approval, PhaseRecord } from '../../src/state/types.js';

const runner: Runner = {
  os: 'alice',
  host: 'build-01.ci.example',
  github: 'Alice-GH',
  gitlab: 'alice.gl',
  rolloutUser: 'Alice@Example.com',
  email: 'alice@corp.example',
};

describe('matchIdentity', () => {
  test.each([
    ['github:alice-gh', true],
    ['github:alice', false],
    ['gitlab:alice.gl', true],
    ['gitlab:ALICE.GL', true],
    ['os:alice', true],
    ['os:bob', false],
    ['os:alice@build-01', true],
    ['os:alice@build-01.ci.example', true],
    ['os:alice@other', false],
    ['alice@build-01', true],
    ['alice@example.com', true],
    ['email:alice@example.com', true],
    ['email:alice@build-01', false],
    ['alice@corp.example', true],
    ['mallory@example.com', false],
    ['alice', false],
  ])('%s → %s', (identity, want) => {
    expect(matchIdentity(identity, runner)).toBe(want);
  });

  test('nothing set matches nothing but the OS account', () => {
    const bare: Runner = { os: 'ci', host: 'h' };
    expect(['github:ci', 'gitlab:ci', 'ci@example.com'].some((i) => matchIdentity(i, bare))).toBe(false);
    expect(matchIdentity('os:ci', bare)).toBe(true);
  });

  test('describeRunner lists what was known', () => {
    expect(describeRunner({ os: 'ci', host: 'h', github: 'x' })).toEqual(['os:ci@h', 'github:x']);
  });
});

describe('which approvals count', () => {
  const record: PhaseRecord = {
    name: 'canary',
    enteredAt: '2026-06-18T09:00:00.000Z',
    visits: 2,
    checklist: {},
    approvals: [],
  };
  const c = { required: 1, approvers: ['ana', 'bo'], identities: { bo: ['github:bo'] } };
  const a = (over: Partial<Approval>): Approval => ({
    by: 'ana',
    at: 'x',
    phase: 'canary',
    visit: 2,
    enteredAt: record.enteredAt,
    ...over,
  });

  test.each<[string, Partial<Approval>, boolean]>([
    ['bound to this phase and visit', {}, true],
    [
      'recorded before approvals were bound (no phase, visit or time)',
      { phase: undefined, visit: undefined, enteredAt: undefined },
      true,
    ],
    ['another phase', { phase: 'pre' }, false],
    ['an earlier visit', { visit: 1 }, false],
    ['another entry time', { enteredAt: '2026-06-17T09:00:00.000Z' }, false],
    ['someone off the committee', { by: 'carl' }, false],
    ['an identity-bound name without an identity', { by: 'bo' }, false],
    ['an identity-bound name with another identity', { by: 'bo', identity: 'github:mallory' }, false],
    ['an identity-bound name with its identity', { by: 'bo', identity: 'github:bo' }, true],
  ])('%s → %s', (_n, over, want) => {
    expect(approvalCounts(a(over), 'canary', record, c)).toBe(want);
  });

  test('distinct approvers, in order', () => {
    const rec = { ...record, approvals: [a({}), a({ by: 'bo', identity: 'github:bo' }), a({})] };
    expect(countedApprovers('canary', rec, c)).toEqual(['ana', 'bo']);
  });
});
