// The center's name, UTC offset and default settings (GET /center), read once per page load and
// shared by the screens that need them (reports' day boundaries, the desktop's wrap-up default).
import { useEffect, useState } from 'preact/hooks';
import { center } from '../api/endpoints';
import type { CenterInfo } from '../api/types';

let cached: Promise<CenterInfo> | null = null;

/** GET /center, once; a failed read is asked again next time. */
export function loadCenter(): Promise<CenterInfo> {
  cached ??= center().catch((e: unknown) => {
    cached = null;
    throw e;
  });
  return cached;
}

/** The center once read; null while loading, or when it cannot be read (`failed` says which). */
export function useCenter(): { info: CenterInfo | null; failed: boolean } {
  const [state, setState] = useState<{ info: CenterInfo | null; failed: boolean }>({ info: null, failed: false });
  useEffect(() => {
    let live = true;
    loadCenter().then(
      (info) => live && setState({ info, failed: false }),
      () => live && setState({ info: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
