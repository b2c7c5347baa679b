import { parseKubeconfigYaml } from './yaml.ts';

describe('parseKubeconfigYaml', () => {
  it('reads the layout kubectl writes, sequences at the parent indent included', () => {
    const doc = parseKubeconfigYaml(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: QUJD
    server: https://127.0.0.1:6443 # comment
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    user: "kind-kind"
  name: kind-kind
current-context: 'kind-kind'
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    token: abc#def
    insecure-skip-tls-verify: true
`);
    expect(doc).toEqual({
      apiVersion: 'v1',
      clusters: [
        {
          cluster: {
            'certificate-authority-data': 'QUJD',
            server: 'https://127.0.0.1:6443',
          },
          name: 'kind-kind',
        },
      ],
      contexts: [
        {
          context: { cluster: 'kind-kind', user: 'kind-kind' },
          name: 'kind-kind',
        },
      ],
      'current-context': 'kind-kind',
      kind: 'Config',
      preferences: {},
      users: [
        {
          name: 'kind-kind',
          user: { token: 'abc#def', 'insecure-skip-tls-verify': true },
        },
      ],
    });
  });

  it('reads JSON', () => {
    expect(parseKubeconfigYaml('{"kind":"Config","clusters":[]}')).toEqual({
      kind: 'Config',
      clusters: [],
    });
  });

  it('rejects constructs it does not understand instead of misreading them', () => {
    expect(() =>
      parseKubeconfigYaml('users:\n- name: a\n  user: &anchor\n    token: x\n'),
    ).toThrow(/line 3: unsupported/);
  });
});
