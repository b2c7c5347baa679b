import { isLoopbackUrl, parsePortalUrl } from './portalUrl';

describe('parsePortalUrl', () => {
  it.each([
    ['https://portal.example.com', 'https://portal.example.com'],
    ['https://portal.example.com/', 'https://portal.example.com'],
    [
      'https://portal.example.com/api/supacontrol',
      'https://portal.example.com',
    ],
    [
      'https://portal.example.com/api/supacontrol/',
      'https://portal.example.com',
    ],
    ['https://example.com/backstage/', 'https://example.com/backstage'],
    ['http://127.0.0.1:7007', 'http://127.0.0.1:7007'],
    ['HTTPS://Portal.Example.com', 'https://portal.example.com'],
  ])('normalises %s', (input, normalised) => {
    expect(parsePortalUrl(input)).toEqual({ value: normalised });
  });

  it.each([
    ['portal.example.com', 'is not a URL'],
    ['ftp://portal.example.com', 'must start with https://'],
    ['https://user:pw@portal.example.com', 'must not contain credentials'],
    ['https://portal.example.com/?a=1', 'must not have a query or fragment'],
    ['https://portal.example.com/#x', 'must not have a query or fragment'],
  ])('refuses %s', (input, message) => {
    const parsed = parsePortalUrl(input);
    expect('error' in parsed && parsed.error).toContain(message);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:7007', true],
    ['http://127.0.0.1:7007', true],
    ['http://[::1]:7007', true],
    ['http://portal.example.com', false],
    ['http://10.0.0.1', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});
