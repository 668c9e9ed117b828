// A screen's live event stream: opened on mount, closed on unmount. `after` is where to resume
// (null = live events only). A failed connection probes /me, so an expired token (401) ends the
// session instead of retrying forever.
import { useEffect, useRef } from 'preact/hooks';
import { signal, type Signal } from '@preact/signals';
import { me } from '../api/endpoints';
import { openStream, type StreamStatus } from '../api/stream';
import type { LogEvent } from '../api/types';
import { session } from '../state/session';

export function useStream(
  after: number | null,
  onEvents: (events: LogEvent[]) => void,
  enabled = true,
): Signal<StreamStatus> {
  const status = useRef(signal<StreamStatus>('connecting')).current;
  const handler = useRef(onEvents);
  handler.current = onEvents;
  useEffect(() => {
    if (!enabled) return;
    const stream = openStream({
      token: () => session.value?.token ?? null,
      after,
      onEvents: (events) => handler.current(events),
      onStatus: (s) => (status.value = s),
      onFailure: (attempt) => {
        if (attempt >= 1) me().catch(() => {});
      },
    });
    return () => stream.close();
  }, [after, enabled]);
  return status;
}
