import { PROGRESS_MIN_BYTES, ProgressBar } from '../../../lib/drift/cli/progress-bar';

describe('ProgressBar', () => {
  const setup = () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (text) => writes.push(text) }, () => now);
    return { writes, bar, tick: (ms: number) => (now += ms) };
  };
  test('silent for small inputs', () => {
    const { writes, bar } = setup();
    bar.update('s.tfstate', 1000, 2000);
    bar.clear();
    expect(writes).toEqual([]);
  });
  test('draws at most every 100 ms, always the last update, then erases', () => {
    const { writes, bar, tick } = setup();
    const total = PROGRESS_MIN_BYTES * 2;
    bar.update('s.tfstate', total / 4, total);
    tick(50);
    bar.update('s.tfstate', total / 2, total);
    tick(100);
    bar.update('s.tfstate', total, total);
    bar.clear();
    expect(writes).toEqual([
      '\r\u001b[Kreading s.tfstate [######..................] 25% 16 MiB/64 MiB',
      '\r\u001b[Kreading s.tfstate [########################] 100% 64 MiB/64 MiB',
      '\r\u001b[K',
    ]);
  });
  test('stdin has no total', () => {
    const { writes, bar } = setup();
    bar.update('-', PROGRESS_MIN_BYTES, undefined);
    expect(writes).toEqual(['\r\u001b[Kreading -: 32 MiB']);
  });
});
