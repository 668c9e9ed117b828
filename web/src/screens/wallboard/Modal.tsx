// A modal dialog (native <dialog>: focus stays inside, Escape closes, focus returns after).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface ModalProps {
  title: string;
  testid: string;
  onClose: () => void;
  children: ComponentChildren;
}

export function Modal({ title, testid, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal?.();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class="wb-dialog" aria-label={title} data-testid={testid} onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
