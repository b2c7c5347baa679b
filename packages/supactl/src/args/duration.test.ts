import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1m5s', 65_000],
    ['24h', 86_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ value: ms });
  });

  it.each([
    ['10', "'10' has no unit; use a duration such as 90s"],
    ['0s', "'0s' must be longer than zero"],
    ['25h', "'25h' is longer than the maximum of 24h"],
    ['10 m', "'10 m' is not a duration such as 90s"],
    ['1.5m', "'1.5m' is not a duration"],
    ['-5s', "'-5s' is not a duration"],
    ['', "'' is not a duration"],
  ])('refuses %j, saying why', (text, message) => {
    const parsed = parseDuration(text);
    expect('error' in parsed && parsed.error).toContain(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [2000, '2s'],
    [90_000, '1m30s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [3_661_000, '1h1m1s'],
    [250, '250ms'],
    [0, '0ms'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
