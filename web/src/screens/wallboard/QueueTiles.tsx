// One tile per queue: waiting, longest wait (ticking), today's service level against its target
// (colour and words, never colour alone), ASA and abandoned. Each tile reads only its own stats.
import type { Signal } from '@preact/signals';
import type { QueueStats } from '../../api/types';
import { locale, t } from '../../i18n';
import { formatDuration, formatNumber, formatPercent } from '../../i18n/format';
import { longestWaitNow, slLevel, type QueueInfo } from '../../state/wallboard';

interface TilesProps {
  queues: readonly QueueInfo[];
  stats: Map<string, Signal<QueueStats | null>>;
  serverNow: () => number;
  /** Shows the queue's waiting interactions in the waiting list. */
  onQueue: (queue: string) => void;
}

export function QueueTiles({ queues, stats, serverNow, onQueue }: TilesProps) {
  return (
    <ul class="wb-tiles" data-testid="wb-queue-tiles">
      {queues.map((q) => (
        <Tile key={q.id} queue={q} stats={stats.get(q.id)!} serverNow={serverNow} onQueue={onQueue} />
      ))}
    </ul>
  );
}

interface TileProps {
  queue: QueueInfo;
  stats: Signal<QueueStats | null>;
  serverNow: () => number;
  onQueue: (queue: string) => void;
}

function Tile({ queue, stats, serverNow, onQueue }: TileProps) {
  const s = stats.value;
  const l = locale.value;
  const level = slLevel(s?.service_level, queue.target);
  const sl = formatPercent(s?.service_level ?? null, l);
  return (
    <li class={`wb-tile sl-${level}`} data-testid="wb-queue-tile" data-queue={queue.id} data-sl-level={level}>
      <h3 title={queue.id}>
        <button type="button" class="wb-tile-name" onClick={() => onQueue(queue.id)} data-testid="wb-tile-name"
          aria-label={t('wb.showWaiting', { queue: queue.name })}>
          {queue.name}
        </button>
      </h3>
      <dl>
        <div class="wb-big">
          <dt>{t('wb.tile.waiting')}</dt>
          <dd data-testid="wb-tile-waiting">{s ? formatNumber(s.waiting, l, 0) : '…'}</dd>
        </div>
        <div>
          <dt>{t('wb.tile.longest')}</dt>
          <dd data-testid="wb-tile-longest">{s ? <LongestWait stats={s} serverNow={serverNow} /> : '…'}</dd>
        </div>
        <div class="wb-sl">
          <dt>{t('wb.tile.sl')}</dt>
          <dd data-testid="wb-tile-sl">
            <strong>{sl}</strong>{' '}
            <span class="wb-sl-word">{t(`wb.sl.${level}`, { target: formatPercent(queue.target, l) })}</span>
          </dd>
        </div>
        <div>
          <dt>{t('wb.tile.asa')}</dt>
          <dd data-testid="wb-tile-asa">{s?.asa_s != null ? formatDuration(s.asa_s) : t('common.none')}</dd>
        </div>
        <div>
          <dt>{t('wb.tile.abandoned')}</dt>
          <dd data-testid="wb-tile-abandoned">{s ? formatNumber(s.abandoned, l, 0) : '…'}</dd>
        </div>
      </dl>
    </li>
  );
}

function LongestWait({ stats, serverNow }: { stats: QueueStats; serverNow: () => number }) {
  return <>{formatDuration(longestWaitNow(stats, serverNow()))}</>;
}
