import { createProgress } from './progress';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    isTTY,
    columns: 40,
    write(text: string) {
      writes.push(text);
      return true;
    },
  };
}

describe('createProgress', () => {
  it('prints a line per change when the stream is not a terminal', () => {
    const out = stream(false);
    const progress = createProgress(out, 'pr-1');

    progress.update({ status: 'Pending' });
    progress.update({ status: 'Pending' });
    progress.update({ status: 'Provisioning', detail: 'installing' });
    progress.stop();

    expect(out.writes.join('')).toBe(
      'pr-1: Pending\npr-1: Provisioning - installing\n',
    );
  });

  it('redraws one line, inside the terminal width, and clears it on stop', () => {
    const out = stream(true);
    const progress = createProgress(out, 'pr-1');

    progress.update({ status: 'Provisioning', detail: 'x'.repeat(100) });
    progress.stop();

    const frames = out.writes.slice(0, -1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const frame of frames) {
      expect(frame.startsWith('\r\x1b[2K')).toBe(true);
      expect(frame).not.toContain('\n');
      expect(frame.length - '\r\x1b[2K'.length).toBeLessThanOrEqual(39);
    }
    const clear = '\r\x1b[2K';
    expect(frames[1].slice(clear.length)).toMatch(
      /^. pr-1: Provisioning - x+…$/,
    );
    expect(out.writes[out.writes.length - 1]).toBe('\r\x1b[2K');
  });
});
