// A ticking browser clock for countdowns and timers (a signal, 4 ticks a second).
import { useEffect, useRef } from 'preact/hooks';
import { signal, type Signal } from '@preact/signals';

export function useNow(periodMs = 250): Signal<number> {
  const now = useRef(signal(Date.now())).current;
  useEffect(() => {
    const id = setInterval(() => (now.value = Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}
