import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, changed, client, follow, type Node, type Room } from './api.ts';

/** The space everything lives in (the first one). */
export async function loadSpace(): Promise<{ id: string; name: string }> {
  const spaces = await answer(client.GET('/api/spaces'));
  if (!spaces[0]) throw new Error('no space exists yet');
  return spaces[0];
}

/** What the node list shows: a room, a status (or stale, duplicate, backup overdue), text, and a page of rows. */
export interface NodeListFilter {
  room: string;
  status: '' | 'online' | 'offline' | 'pending' | 'stale' | 'duplicate' | 'backup_overdue';
  q: string;
  page: number;
}
export type NodeCounts = NonNullable<Awaited<ReturnType<typeof readCounts>>>;

/** Read the list's pages and counts again at most this often while events keep coming (a reconnect storm). */
const REFRESH_MS = 2000;

const query = (f: NodeListFilter) => ({
  ...(f.room ? { room: f.room } : {}),
  ...(f.q.trim() ? { q: f.q.trim() } : {}),
});
const readCounts = (f: NodeListFilter) =>
  answer(client.GET('/api/nodes/counts', { params: { query: query(f) } }));

/** The query of the list itself (and of selecting everything that matches). */
export const listQuery = (f: NodeListFilter) => ({
  ...query(f),
  ...(f.status === 'backup_overdue' ? { backup: 'overdue' as const } : f.status ? { status: f.status } : {}),
});

/**
 * One page of the node list, read from the server with its filter, and the counts of what matches. The rows on
 * the page change in place as their nodes' events arrive (the stream carries only those nodes); everything else
 * comes as a summary a second, on which the page and counts are read again, at most every two seconds. A browser
 * on a 10,000-node fleet holds one page, whatever the storm.
 */
export function useNodePage(filter: NodeListFilter, pageSize: number) {
  const [rows, setRows] = useState<Node[] | null>(null);
  const [counts, setCounts] = useState<NodeCounts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reloadRef = useRef<() => void>(() => undefined);
  const soonRef = useRef<() => void>(() => undefined);
  const key = JSON.stringify(filter);
  useEffect(() => {
    let stopped = false;
    let loading = false;
    let again = false;
    let loadedAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      if (loading) return void (again = true);
      loading = true;
      loadedAt = Date.now();
      try {
        const [page, c] = await Promise.all([
          answer(
            client.GET('/api/nodes', {
              params: { query: { ...listQuery(filter), limit: pageSize, offset: filter.page * pageSize } },
            }),
          ),
          readCounts(filter),
        ]);
        if (stopped) return;
        setRows(page);
        setCounts(c);
        setError(null);
      } catch (err) {
        if (!stopped) setError(err);
      } finally {
        loading = false;
        if (again && !stopped) {
          again = false;
          soon();
        }
      }
    };
    /** Read again soon: at once if the last read is two seconds old, else when it will be. */
    const soon = () => {
      if (timer !== undefined || stopped) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void load();
        },
        Math.max(300, loadedAt + REFRESH_MS - Date.now()),
      );
    };
    void load();
    reloadRef.current = () => void load();
    soonRef.current = soon;
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, pageSize]);

  // The rows' own events, on a stream that names them; the rest of the fleet as a summary.
  const ids = (rows ?? []).map((n) => n.id).join(',');
  useEffect(() => {
    if (rows === null) return;
    const patch = (id: string, p: Partial<Node>) =>
      setRows((list) => list && list.map((n) => (n.id === id ? { ...n, ...p } : n)));
    return follow(
      '/api/events',
      {
        'node.presence': (e) =>
          patch(e.node_id, {
            status: e.status,
            since: e.since,
            reason: e.reason,
            ...(e.status === 'online' ? { last_seen_at: e.since } : {}),
          }),
        'node.duplicate': (e) => patch(e.node_id, { duplicate_suspected: e.duplicate_suspected }),
        'node.repo': (e) => patch(e.node_id, { repo_status: e.repo_status }),
        // Facts (OS, agent version) come with hello, and from a Netdata agent a few seconds later.
        'node.facts': () => soonRef.current(),
        summary: (s) => {
          if (changed(s, 'node.presence', 'node.claimed', 'node.duplicate', 'node.repo', 'node.facts'))
            soonRef.current();
        },
      },
      { nodes: ids ? ids.split(',') : [], opened: () => soonRef.current() },
    );
  }, [ids, rows === null]);
  /** `reload`: read the page again (after a change no event reports, such as rooms of many nodes). */
  return { rows, counts, error, reload: () => reloadRef.current() };
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
