import { renderInTestApp } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfirmDialog } from './ConfirmDialog';

function renderDialog(onConfirm: () => Promise<void>, onClose = jest.fn()) {
  return renderInTestApp(
    <ConfirmDialog
      open
      title="Delete orders?"
      confirmLabel="Delete"
      confirmationText="orders"
      onConfirm={onConfirm}
      onClose={onClose}
    >
      Everything goes.
    </ConfirmDialog>,
  );
}

describe('ConfirmDialog', () => {
  it('enables the button only once the exact name is typed', async () => {
    const onConfirm = jest.fn(async () => {});
    const onClose = jest.fn();
    await renderDialog(onConfirm, onClose);
    const button = screen.getByRole('button', { name: 'Delete' });
    const input = screen.getByLabelText('Type orders to confirm');

    expect(button).toBeDisabled();
    await userEvent.type(input, 'order');
    expect(button).toBeDisabled();
    await userEvent.type(input, 's ');
    expect(button).toBeDisabled();
    await userEvent.type(input, '{backspace}');
    expect(button).toBeEnabled();

    await userEvent.click(button);
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalled();
  });

  it('does not accept the name in other case', async () => {
    await renderDialog(async () => {});
    await userEvent.type(
      screen.getByLabelText('Type orders to confirm'),
      'ORDERS',
    );

    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });

  it("stays open with the backend's message when the work is refused", async () => {
    const onClose = jest.fn();
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'You may not delete orders',
          },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderDialog(async () => {
      throw refusal;
    }, onClose);

    await userEvent.type(
      screen.getByLabelText('Type orders to confirm'),
      'orders',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You may not delete orders',
    );
    expect(onClose).not.toHaveBeenCalled();
  });
});
