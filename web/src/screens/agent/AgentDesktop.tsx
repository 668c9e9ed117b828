// Placeholder until the agent desktop lands (phase 2).
import { t } from '../../i18n';
import type { ScreenProps } from '../../app/screens';

export default function AgentDesktop(_props: ScreenProps) {
  return <p class="notice" data-testid="agent-placeholder">{t('app.notBuilt')}</p>;
}
