// The agent grid: presence, routing state, time in state, current interaction, and a presence
// change per agent. Virtualized: only the rows in view (plus a margin) are in the DOM, so 1,000
// agents cost what 30 do. Time in state ticks in its own small component, once a second.
import type { Signal } from '@preact/signals';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { filterAgents, type AgentFilter, type AgentRow, type WallboardState } from '../../state/wallboard';
import { Elapsed } from './Elapsed';
import { codeLabel } from './text';

const ROW_PX = 34;
const OVERSCAN = 6;

interface GridProps {
  state: Signal<WallboardState | null>;
  serverNow: () => number;
  onPresence: (agentId: string) => void;
}

export function AgentGrid({ state, serverNow, onPresence }: GridProps) {
  const s = state.value!;
  const [filter, setFilter] = useState<AgentFilter>({ text: '', presence: '' });
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const body = useRef<HTMLDivElement>(null);
  const ids = filterAgents(s, filter);

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 400);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const last = Math.min(ids.length, Math.ceil((scrollTop + height) / ROW_PX) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const a = s.agents.get(ids[i]!);
    if (a) rows.push(<Row key={a.id} agent={a} index={i} serverNow={serverNow} onPresence={onPresence} />);
  }

  return (
    <section class="wb-agents" aria-labelledby="wb-agents-title">
      <div class="wb-agents-head">
        <h2 id="wb-agents-title" data-testid="wb-agent-count">
          {t('wb.agents', { shown: ids.length, total: s.agentOrder.length })}
        </h2>
        <label>
          {t('wb.filter')}{' '}
          <input
            type="search"
            data-testid="wb-agent-filter"
            value={filter.text}
            onInput={(e) => setFilter({ ...filter, text: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t('presence.label')}{' '}
          <select
            data-testid="wb-agent-filter-presence"
            value={filter.presence}
            onChange={(e) => setFilter({ ...filter, presence: (e.target as HTMLSelectElement).value as AgentFilter['presence'] })}
          >
            <option value="">{t('wb.all')}</option>
            <option value="ready">{t('presence.ready')}</option>
            <option value="not_ready">{t('presence.not_ready')}</option>
            <option value="logged_out">{t('presence.logged_out')}</option>
          </select>
        </label>
      </div>
      <div class="wb-grid" role="table" aria-rowcount={ids.length + 1} data-testid="wb-agent-grid">
        <div class="wb-row wb-row-head" role="row" aria-rowindex={1}>
          <span role="columnheader">{t('wb.col.agent')}</span>
          <span role="columnheader">{t('presence.label')}</span>
          <span role="columnheader">{t('routing.label')}</span>
          <span role="columnheader">{t('wb.col.time')}</span>
          <span role="columnheader">{t('wb.col.work')}</span>
          <span role="columnheader"><span class="sr-only">{t('wb.changePresence')}</span></span>
        </div>
        <div class="wb-grid-body" ref={body} tabIndex={0} aria-labelledby="wb-agents-title" onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
          <div style={{ height: `${ids.length * ROW_PX}px`, position: 'relative' }}>
            {rows}
          </div>
        </div>
      </div>
    </section>
  );
}

interface RowProps {
  agent: AgentRow;
  index: number;
  serverNow: () => number;
  onPresence: (agentId: string) => void;
}

function Row({ agent: a, index, serverNow, onPresence }: RowProps) {
  const work = a.work.length
    ? a.work.map((id) => `#${id}`).join(', ')
    : a.offered.length
      ? t('wb.offeredWork', { id: a.offered.join(', #') })
      : t('common.none');
  return (
    <div
      class={`wb-row presence-${a.presence} routing-${a.routing}`}
      role="row"
      aria-rowindex={index + 2}
      style={{ top: `${index * ROW_PX}px` }}
      data-testid="wb-agent-row"
      data-agent={a.id}
    >
      <span role="cell" class="wb-agent-name" title={a.id}>{a.name} <small class="muted">{a.id}</small></span>
      <span role="cell" data-testid="wb-agent-presence">
        {codeLabel('presence.', a.presence)}
        {a.reason ? ` · ${codeLabel('reason.', a.reason)}` : ''}
      </span>
      <span role="cell" data-testid="wb-agent-routing">{a.presence === 'logged_out' ? t('common.none') : codeLabel('routing.', a.routing)}</span>
      <span role="cell" data-testid="wb-agent-time"><Elapsed since={a.since} serverNow={serverNow} /></span>
      <span role="cell" data-testid="wb-agent-work">{work}</span>
      <span role="cell">
        <button type="button" class="wb-small" data-testid="wb-agent-presence-button" onClick={() => onPresence(a.id)}
          aria-label={t('wb.changePresenceOf', { agent: a.name })}>
          {t('wb.changePresence')}
        </button>
      </span>
    </div>
  );
}
