import { decodeJwt, jwtVerify } from 'jose';
import {
  completeSecretData,
  decodeSecretData,
  encodeSecretData,
  SECRET_KEYS,
} from './instanceSecret';

describe('instance secret', () => {
  it('generates every key the chart reads, with the lengths the components need', async () => {
    const data = await completeSecretData({});
    expect(Object.keys(data).sort()).toEqual([...SECRET_KEYS].sort());
    expect(data['jwt-secret'].length).toBeGreaterThanOrEqual(32);
    expect(data['realtime-secret-key-base']).toHaveLength(64);
    expect(data['realtime-db-enc-key']).toHaveLength(16);
    expect(data['db-password']).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('signs anon and service_role keys as HS256 JWTs with the JWT secret', async () => {
    const data = await completeSecretData({});
    const secret = new TextEncoder().encode(data['jwt-secret']);
    for (const [key, role] of [
      ['anon-key', 'anon'],
      ['service-role-key', 'service_role'],
    ] as const) {
      const { payload, protectedHeader } = await jwtVerify(data[key], secret, {
        issuer: 'supabase',
      });
      expect(protectedHeader.alg).toBe('HS256');
      expect(payload.role).toBe(role);
      expect(payload.exp! - payload.iat!).toBeGreaterThan(365 * 24 * 3600);
    }
  });

  it('keeps existing values and fills only what is missing', async () => {
    const first = await completeSecretData({});
    const { 'vault-enc-key': _dropped, ...partial } = first;
    const second = await completeSecretData(partial);
    expect(second).toEqual({
      ...first,
      'vault-enc-key': second['vault-enc-key'],
    });
    expect(decodeJwt(second['anon-key'])).toEqual(decodeJwt(first['anon-key']));
  });

  it('round-trips through the base64 data of a Secret', async () => {
    const data = await completeSecretData({});
    expect(decodeSecretData(encodeSecretData(data))).toEqual(data);
  });
});
