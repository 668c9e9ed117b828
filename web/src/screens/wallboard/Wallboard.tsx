// The supervisor wallboard: a tile per queue, the agent grid, the 15-minute trend, the waiting
// interactions with "why not routed", and presence changes per agent. Live from the stream.
// This component reads no live signal itself: each part reads its own, so an event re-renders
// only what shows it, and the clock's tick only the times.
import { useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/screens';
import { StreamStatus } from '../../app/StreamStatus';
import { t } from '../../i18n';
import { AgentGrid } from './AgentGrid';
import { ExplainDialog } from './ExplainDialog';
import { PresenceDialog } from './PresenceDialog';
import { QueueTiles } from './QueueTiles';
import { TrendChart } from './TrendChart';
import { errorText } from './text';
import { useWallboard } from './useWallboard';
import { WaitingList } from './WaitingList';
import './wallboard.css';

export default function Wallboard(_props: ScreenProps) {
  const wb = useWallboard();
  const [presenceFor, setPresenceFor] = useState<string | null>(null);
  const [explainId, setExplainId] = useState<number | null>(null);
  const [waitingQueue, setWaitingQueue] = useState('');

  if (wb.error.value) {
    return <p class="notice error" role="alert" data-testid="wb-error">{t('wb.loadFailed', { message: errorText(wb.error.value) })}</p>;
  }
  const first = wb.loaded.value;
  if (!first) return <p class="notice" data-testid="wb-loading">{t('app.loading')}</p>;

  return (
    <div class="wallboard" data-testid="wallboard">
      <div class="wb-main">
        <section class="wb-queues" aria-labelledby="wb-queues-title">
          <h2 id="wb-queues-title">
            {t('wb.queues')} <StreamStatus status={wb.status} />
          </h2>
          <QueueTiles queues={first.queues} stats={wb.stats} serverNow={wb.serverNow} onQueue={setWaitingQueue} />
        </section>
        <AgentGrid state={wb.state} serverNow={wb.serverNow} onPresence={setPresenceFor} />
      </div>
      <aside class="wb-side">
        <TrendChart trend={wb.trend} error={wb.trendError} />
        <WaitingList
          state={wb.state}
          queues={first.queues}
          queue={waitingQueue}
          onQueue={setWaitingQueue}
          serverNow={wb.serverNow}
          onExplain={setExplainId}
        />
      </aside>
      {presenceFor && <PresenceDialog agentId={presenceFor} state={wb.state} onClose={() => setPresenceFor(null)} />}
      {explainId !== null && <ExplainDialog id={explainId} state={wb.state} onClose={() => setExplainId(null)} />}
    </div>
  );
}
