/**
 * The guide's pop-up confirmations ("Click 'Yes'…"): a modal alert dialog that takes focus,
 * keeps it inside until it closes, and gives it back to the button that opened it.
 */
import type { ReactNode } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { t } from '../i18n';

export function ConfirmDialog(props: {
  isOpen: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  children: ReactNode;
  /** The guide's word for the confirming button: "Yes" in the hub, "Ok" on the sites. */
  confirmLabel?: string;
  cancelLabel?: string;
  onConfirm(): void;
  isPending?: boolean;
  danger?: boolean;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={props.isOpen}
      onOpenChange={props.onOpenChange}
      isDismissable={!props.isPending}
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          {({ close }) => (
            <>
              <Heading slot="title">{props.title}</Heading>
              {props.children}
              <div className="dialog-actions">
                <Button className="button secondary" onPress={close} isDisabled={props.isPending}>
                  {props.cancelLabel ?? t.common.cancel}
                </Button>
                <Button
                  className={props.danger ? 'button danger' : 'button'}
                  onPress={props.onConfirm}
                  isDisabled={props.isPending}
                >
                  {props.confirmLabel ?? t.common.yes}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
