import { maskApiKey, renderContextTable } from './contexts';

const KEY = `sck_abcdefgh12345678_${'S'.repeat(43)}`;

describe('maskApiKey', () => {
  it('keeps the id the portal lists and hides the secret', () => {
    expect(maskApiKey(KEY)).toBe('sck_abcdefgh12345678_****');
  });

  it('hides everything of something that is not a key', () => {
    expect(maskApiKey('hunter2')).toBe('****');
  });
});

describe('renderContextTable', () => {
  it('marks the current context and never shows a secret', () => {
    const table = renderContextTable({
      currentContext: 'prod',
      contexts: [
        { name: 'dev', url: 'http://localhost:7007', apiKey: KEY },
        { name: 'prod', url: 'https://portal.example.com', apiKey: KEY },
      ],
    });

    expect(table).toBe(
      [
        'CURRENT   NAME   URL                          API KEY',
        '          dev    http://localhost:7007        sck_abcdefgh12345678_****',
        '*         prod   https://portal.example.com   sck_abcdefgh12345678_****',
        '',
      ].join('\n'),
    );
    expect(table).not.toContain('SSSS');
  });
});
