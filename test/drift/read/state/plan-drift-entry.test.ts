import { DriftAction } from '../../../../lib/drift/model';
import { readPlanDriftEntry } from '../../../../lib/drift/read/state/plan-drift-entry';

describe('readPlanDriftEntry', () => {
  test('after null is a deletion', () => {
    expect(readPlanDriftEntry({ address: 'aws_instance.n[1]', type: 'aws_instance', change: { actions: ['delete'], before: {}, after: null } }, 0, 'p')).toMatchObject({ action: DriftAction.DELETED, address: 'aws_instance.n[1]' });
  });
  test('an update carries the refreshed, projected attributes and their sensitivity', () => {
    const entry = readPlanDriftEntry({ address: 'aws_vpc.v', type: 'aws_vpc', change: { actions: ['update'], before: { cidr_block: 'a' }, after: { id: 'vpc-1', cidr_block: '10.1.0.0/16', arn: 'x' }, after_sensitive: { cidr_block: true } } }, 0, 'p');
    expect(entry).toMatchObject({ action: DriftAction.UPDATED, after: { id: 'vpc-1', cidr_block: '10.1.0.0/16' }, sensitivePaths: [['cidr_block']] });
    expect(entry?.after).not.toHaveProperty('arn');
  });
  test.each([
    ['no-op', { actions: ['no-op'], before: {}, after: {} }],
    ['read', { actions: ['read'], before: null, after: {} }],
  ])('%s is not drift', (_name, change) => {
    expect(readPlanDriftEntry({ address: 'a.b', type: 'a', change }, 0, 'p')).toBeUndefined();
  });
  test('data sources are not drift', () => {
    expect(readPlanDriftEntry({ address: 'data.a.b', mode: 'data', type: 'a', change: { actions: ['delete'], after: null } }, 0, 'p')).toBeUndefined();
  });
  test('refuses an entry without change', () => {
    expect(() => readPlanDriftEntry({ address: 'a.b', type: 'a' }, 3, 'plan.json')).toThrow('plan.json: resource_drift[3] is not a resource change');
  });
});
