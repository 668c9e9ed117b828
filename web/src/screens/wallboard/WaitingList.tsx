// The interactions waiting now, longest first, each with "why not routed?".
import type { Signal } from '@preact/signals';
import { t } from '../../i18n';
import { waitingList, type QueueInfo, type WaitingItem, type WallboardState } from '../../state/wallboard';
import { Elapsed } from './Elapsed';
import { codeLabel } from './text';

const SHOWN = 50;

interface Props {
  state: Signal<WallboardState | null>;
  queues: readonly QueueInfo[];
  /** The queue shown ('' = all), chosen here or by a tile. */
  queue: string;
  onQueue: (queue: string) => void;
  serverNow: () => number;
  onExplain: (id: number) => void;
}

export function WaitingList({ state, queues, queue, onQueue, serverNow, onExplain }: Props) {
  const list = waitingList(state.value!, queue || undefined);
  const names = new Map(queues.map((q) => [q.id, q.name]));
  return (
    <section class="wb-waiting card" aria-labelledby="wb-waiting-title" data-testid="wb-waiting-list">
      <div class="wb-agents-head">
        <h2 id="wb-waiting-title" data-testid="wb-waiting-count">{t('wb.waiting', { count: list.length })}</h2>
        <label>
          <span class="sr-only">{t('wb.queue')}</span>
          <select value={queue} onChange={(e) => onQueue((e.target as HTMLSelectElement).value)} data-testid="wb-waiting-queue">
            <option value="">{t('wb.allQueues')}</option>
            {queues.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
          </select>
        </label>
      </div>
      {list.length === 0 ? (
        <p class="muted" data-testid="wb-waiting-none">{t('wb.waitingNone')}</p>
      ) : (
        <ol class="wb-waiting-items">
          {list.slice(0, SHOWN).map((w) => (
            <Item key={w.id} item={w} queueName={names.get(w.queue) ?? w.queue} serverNow={serverNow} onExplain={onExplain} />
          ))}
        </ol>
      )}
      {list.length > SHOWN && <p class="muted">{t('wb.more', { count: list.length - SHOWN })}</p>}
    </section>
  );
}

interface ItemProps {
  item: WaitingItem;
  queueName: string;
  serverNow: () => number;
  onExplain: (id: number) => void;
}

function Item({ item, queueName, serverNow, onExplain }: ItemProps) {
  return (
    <li data-testid="wb-waiting-item" data-interaction={item.id}>
      <span>
        #{item.id} · {queueName} · {codeLabel('channel.', item.channel)} · <Elapsed since={item.since} serverNow={serverNow} />
      </span>
      <button type="button" class="wb-small" onClick={() => onExplain(item.id)} data-testid="wb-why-button">
        {t('wb.why')}
      </button>
    </li>
  );
}
