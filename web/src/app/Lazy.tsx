// Renders a lazily imported screen, with a loading line and a failure message.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { t } from '../i18n';
import type { ScreenModule, ScreenProps } from './screens';

export function LazyScreen({ load, props }: { load: () => Promise<ScreenModule>; props: ScreenProps }) {
  const [loaded, setLoaded] = useState<{ load: () => Promise<ScreenModule>; C: ComponentType<ScreenProps> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (m) => live && setLoaded({ load, C: m.default }),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (error) return <p class="notice error" role="alert" data-testid="screen-error">{t('app.loadFailed', { message: error })}</p>;
  if (!loaded || loaded.load !== load) return <p class="notice" data-testid="screen-loading">{t('app.loading')}</p>;
  const C = loaded.C;
  return <C {...props} />;
}
