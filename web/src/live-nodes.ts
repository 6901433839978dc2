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
const REFRESH_MS = 3000;

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
 * comes as a summary a second, on which the counts (and the page, when what it holds may have changed) are read
 * again, at most every three seconds. A browser on a 10,000-node fleet holds one page, whatever the storm.
 */
export function useNodePage(filter: NodeListFilter, pageSize: number) {
  const [rows, setRows] = useState<Node[] | null>(null);
  const [counts, setCounts] = useState<NodeCounts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reloadRef = useRef<() => void>(() => undefined);
  const soonRef = useRef<(what: 'page' | 'counts') => void>(() => undefined);
  const key = JSON.stringify(filter);
  /** The filter the counts were read for: another page of the same filter reads its rows alone. */
  const countedRef = useRef('');
  useEffect(() => {
    const counted = JSON.stringify(query(filter));
    let stopped = false;
    let loading = false;
    let loadedAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** What the next read reads: the page, the counts, or both. */
    const want = { page: false, counts: false };
    const load = async () => {
      if (loading) return;
      const page = want.page;
      const counting = want.counts;
      want.page = want.counts = false;
      loading = true;
      loadedAt = Date.now();
      try {
        const [rows, c] = await Promise.all([
          page
            ? answer(
                client.GET('/api/nodes', {
                  params: {
                    query: { ...listQuery(filter), limit: pageSize, offset: filter.page * pageSize },
                  },
                }),
              )
            : null,
          counting ? readCounts(filter) : null,
        ]);
        if (stopped) return;
        if (rows) setRows(rows);
        if (c) {
          countedRef.current = counted;
          setCounts(c);
        }
        setError(null);
      } catch (err) {
        if (!stopped) setError(err);
      } finally {
        loading = false;
        if ((want.page || want.counts) && !stopped) schedule();
      }
    };
    const schedule = () => {
      if (timer !== undefined || stopped) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void load();
        },
        Math.max(300, loadedAt + REFRESH_MS - Date.now()),
      );
    };
    /** Read again soon: the page or only its counts, a little after the last change and at most every few seconds. */
    const soon = (what: 'page' | 'counts') => {
      want[what] = want.counts = true;
      schedule();
    };
    // Another page of the same filter: its rows alone (the counts are the same).
    want.page = true;
    want.counts = countedRef.current !== counted;
    void load();
    reloadRef.current = () => {
      want.page = want.counts = true;
      void load();
    };
    soonRef.current = soon;
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, pageSize]);

  // The rows' own events, on a stream that names them; the rest of the fleet as a summary: the counts are read
  // again on it, and the page too when what it holds may have changed (a new node, or a filter by status).
  const ids = (rows ?? []).map((n) => n.id).join(',');
  useEffect(() => {
    if (rows === null) return;
    const soon = (what: 'page' | 'counts') => soonRef.current(what);
    const patch = (id: string, p: Partial<Node>) =>
      setRows((list) => list && list.map((n) => (n.id === id ? { ...n, ...p } : n)));
    const byStatus = filter.status !== '' && filter.status !== 'backup_overdue';
    return follow(
      '/api/events',
      {
        'node.presence': (e) => {
          patch(e.node_id, {
            status: e.status,
            since: e.since,
            reason: e.reason,
            ...(e.status === 'online' ? { last_seen_at: e.since } : {}),
          });
          // Its facts (OS, agent version) come with its hello; a removed node leaves the page.
          if (e.status === 'online' || e.status === 'removed') soon('page');
        },
        'node.duplicate': (e) => patch(e.node_id, { duplicate_suspected: e.duplicate_suspected }),
        'node.repo': (e) => patch(e.node_id, { repo_status: e.repo_status }),
        // A Netdata agent reports its facts a few seconds after it came online.
        'node.facts': () => soon('page'),
        summary: (s) => {
          if (changed(s, 'node.claimed') || (byStatus && changed(s, 'node.presence', 'node.duplicate')))
            soon('page');
          else if (changed(s, 'node.presence', 'node.duplicate')) soon('counts');
        },
      },
      { nodes: ids ? ids.split(',') : [], opened: () => soon('page') },
    );
  }, [ids, rows === null, filter.status]);
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
