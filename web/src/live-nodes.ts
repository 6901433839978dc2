import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, client, follow, type Node, type Room } from './api.ts';

/** The space everything lives in (the first one). */
export async function loadSpace(): Promise<{ id: string; name: string }> {
  const spaces = await answer(client.GET('/api/spaces'));
  if (!spaces[0]) throw new Error('no space exists yet');
  return spaces[0];
}

/** Nodes of the space, kept current by server-sent events. */
export function useLiveNodes() {
  const [nodes, setNodes] = useState<Node[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const loadRef = useRef<() => void>(() => undefined);
  useEffect(() => {
    let reload: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      // The server lists the nodes that were not removed; events keep the list current from there.
      answer(client.GET('/api/nodes/export')).then((list) => {
        setNodes(list);
        setError(null);
      }, setError);
    void load();
    loadRef.current = () => void load();
    const later = () => {
      clearTimeout(reload);
      reload = setTimeout(load, 300);
    };
    const patchNode = (id: string, p: Partial<Node>) =>
      setNodes((list) => {
        if (!list) return list;
        if (!list.some((n) => n.id === id)) {
          later();
          return list;
        }
        return list.map((n) => (n.id === id ? { ...n, ...p } : n)).filter((n) => n.status !== 'removed');
      });
    const stop = follow('/api/events', {
      'node.presence': (d) => {
        const e = d;
        patchNode(e.node_id, {
          status: e.status,
          since: e.since,
          reason: e.reason,
          ...(e.status === 'online' ? { last_seen_at: e.since } : {}),
        });
        // Facts (OS, agent version) arrive with hello: fetch them once the node is online.
        if (e.status === 'online') later();
      },
      'node.duplicate': (d) => {
        const e = d;
        patchNode(e.node_id, { duplicate_suspected: e.duplicate_suspected });
      },
      'node.claimed': later,
      // A Netdata agent reports its facts a few seconds after it came online.
      'node.facts': later,
      'node.repo': (d) => {
        const e = d;
        patchNode(e.node_id, { repo_status: e.repo_status });
      },
    });
    return () => {
      stop();
      clearTimeout(reload);
    };
  }, []);
  /** `reload`: read the list again (after a change no event reports, such as rooms of many nodes). */
  return { nodes, error, reload: () => loadRef.current() };
}

/** The space and its rooms, once loaded. */
export function useSpaceRooms() {
  const [space, setSpace] = useState<{ id: string; name: string } | null>(null);
  const [rooms, setRooms] = useState<Room[]>([]);
  useEffect(() => {
    loadSpace()
      .then(async (s) => {
        setSpace(s);
        setRooms(await answer(client.GET('/api/spaces/{id}/rooms', { params: { path: { id: s.id } } })));
      })
      .catch(() => undefined);
  }, []);
  return { space, rooms };
}
