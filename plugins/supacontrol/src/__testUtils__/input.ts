import userEvent from '@testing-library/user-event';

/**
 * Replaces a text field's value as a paste does: one input event instead of one per character.
 * Typing a long string key by key re-renders the form on every key, which takes seconds on a
 * loaded two-core machine; tests of validation care about the value, not the keystrokes. Short
 * strings where the keystrokes matter are still typed with `userEvent.type`.
 */
export async function pasteInto(field: HTMLElement, value: string) {
  await userEvent.clear(field);
  await userEvent.paste(value);
}
