// The agent the user acts as: its `agent_id`, or else the agent record naming the user (an agent
// lists only itself from GET /agents).
import { useEffect, useState } from 'preact/hooks';
import { listAgents } from '../../api/endpoints';
import type { User } from '../../api/types';

export function useAgentId(user: User): { agentId: string | null; resolving: boolean } {
  const [found, setFound] = useState<string | null>(null);
  const [resolving, setResolving] = useState(!user.agent_id);
  useEffect(() => {
    if (user.agent_id) return;
    let live = true;
    listAgents()
      .then((r) => live && setFound(r.agents.find((a) => a.user_id === user.id)?.id ?? null))
      .catch(() => {})
      .finally(() => live && setResolving(false));
    return () => {
      live = false;
    };
  }, [user.id, user.agent_id]);
  return { agentId: user.agent_id ?? found, resolving };
}
