import { ConfigReader } from '@backstage/config';
import { readProviderConfig } from './readProviderConfig';

describe('readProviderConfig', () => {
  it('refreshes every 30 s and checks for changes every 5 s by default', () => {
    expect(
      readProviderConfig(
        new ConfigReader({ app: { baseUrl: 'http://127.0.0.1:3000/' } }),
      ),
    ).toEqual({
      schedule: { frequency: { seconds: 30 }, timeout: { seconds: 60 } },
      changeCheck: { frequency: { seconds: 5 }, timeout: { seconds: 30 } },
      appBaseUrl: 'http://127.0.0.1:3000',
    });
  });

  it('takes both schedules from catalog.providers.supacontrol', () => {
    const config = readProviderConfig(
      new ConfigReader({
        catalog: {
          providers: {
            supacontrol: {
              schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
              changeCheck: {
                frequency: { seconds: 10 },
                timeout: { seconds: 20 },
              },
            },
          },
        },
      }),
    );
    expect(config.schedule.frequency).toEqual({ minutes: 2 });
    expect(config.changeCheck.frequency).toEqual({ seconds: 10 });
    expect(config.appBaseUrl).toBeUndefined();
  });

  it('names the key of a bad schedule', () => {
    expect(() =>
      readProviderConfig(
        new ConfigReader({
          catalog: {
            providers: {
              supacontrol: { changeCheck: { frequency: 'often' } },
            },
          },
        }),
      ),
    ).toThrow(
      /^catalog\.providers\.supacontrol\.changeCheck is not a valid schedule/,
    );
  });
});
