// A small badge saying whether the screen's stream is live.
import type { Signal } from '@preact/signals';
import type { StreamStatus as Status } from '../api/stream';
import { t } from '../i18n';

export function StreamStatus({ status }: { status: Signal<Status> }) {
  const s = status.value;
  return (
    <span class={`badge stream-${s}`} role="status" data-testid="stream-status" data-status={s}>
      {t(`stream.${s}`)}
    </span>
  );
}
