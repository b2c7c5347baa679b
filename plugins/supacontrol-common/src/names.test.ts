import { instanceNamespace, validateInstanceName } from './names';

describe('validateInstanceName', () => {
  it.each(['a', 'orders', 'orders-preview-2', 'a1', 'x'.repeat(40)])(
    'accepts %p',
    name => {
      expect(validateInstanceName(name)).toBeUndefined();
    },
  );

  it.each([
    ['', 'has 0 characters'],
    ['x'.repeat(41), 'has 41 characters'],
    ['Orders', "got 'Orders'"],
    ['9lives', "got '9lives'"],
    ['trailing-', "got 'trailing-'"],
    ['double--dash', "must not contain '--'"],
    ['kube-system', 'is reserved'],
    [undefined, 'must be a string'],
  ])('refuses %p', (name, message) => {
    expect(validateInstanceName(name)).toContain(message);
  });

  it('derives the namespace', () => {
    expect(instanceNamespace('orders')).toBe('supa-orders');
  });
});
