import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextInfo, DataAnswer, DataParams } from '../../protocol/node-data.ts';

/**
 * The agent's chart history, in three tiers like Netdata's: one point a second for the last hour, one a minute
 * (the average) for 48 hours, one per 15 minutes for 30 days. Every series has the same slots, so one array of
 * slot times per tier serves them all and a series costs 4 bytes a slot: (3,600 + 2,880 + 2,880) × 4 = 37 KB.
 * Saved to the state directory every 10 minutes and when the agent stops, so a restart keeps it.
 */
export const TIERS = [
  { step: 1, slots: 3600 },
  { step: 60, slots: 2880 },
  { step: 900, slots: 2880 },
] as const;
/** Series kept at most (contexts × dimensions): the memory budget is this × 37 KB. */
export const MAX_SERIES = 120;
const FILE = 'history.bin';
const FORMAT = 1;

/** What a context is, as the agent describes its charts (named like Netdata's where the meaning is the same). */
export type ContextMeta = Omit<ContextInfo, 'id' | 'dimensions' | 'first_entry' | 'last_entry'>;

interface Tier {
  step: number;
  slots: number;
  /** The unix second each slot holds (0: empty). */
  times: Uint32Array;
}
interface Series {
  context: string;
  dimension: string;
  /** One array per tier, NaN where there is no value. */
  values: Float32Array[];
  /** The minute and quarter-hour being averaged: sum and count. */
  acc: { sum: number; n: number }[];
}

/** Slots of a tier between two times (inclusive), oldest first, skipping those that hold another time. */
function* slotsBetween(tier: Tier, from: number, to: number): Generator<{ t: number; i: number }> {
  const first = Math.ceil(from / tier.step) * tier.step;
  for (let t = first; t <= to; t += tier.step) {
    const i = (t / tier.step) % tier.slots;
    if (tier.times[i] === t) yield { t, i };
  }
}

export function createHistory(opts: { dir: string | null; now?: () => number }) {
  const now = opts.now ?? (() => Date.now());
  const tiers: Tier[] = TIERS.map((t) => ({ ...t, times: new Uint32Array(t.slots) }));
  const series = new Map<string, Series>();
  const contexts = new Map<string, ContextMeta & { dimensions: string[] }>();
  /** The bucket (unix seconds / step) each higher tier is averaging. */
  const bucket = tiers.map(() => -1);

  const keyOf = (context: string, dimension: string) => `${context}\u0000${dimension}`;

  /** The same series by context, then dimension: what a second's record looks up, with no key to build. */
  const byContext = new Map<string, Map<string, Series>>();

  function seriesOf(context: string, dimension: string): Series | null {
    let dims = byContext.get(context);
    if (!dims) byContext.set(context, (dims = new Map<string, Series>()));
    let s = dims.get(dimension);
    if (!s) {
      if (series.size >= MAX_SERIES) return null;
      s = {
        context,
        dimension,
        values: tiers.map((t) => new Float32Array(t.slots).fill(Number.NaN)),
        acc: tiers.map(() => ({ sum: 0, n: 0 })),
      };
      series.set(keyOf(context, dimension), s);
      dims.set(dimension, s);
      contexts.get(context)?.dimensions.push(dimension);
    }
    return s;
  }

  /** Close the higher tiers' buckets that ended before `sec`: their averages become points. */
  function roll(sec: number) {
    for (let k = 1; k < tiers.length; k++) {
      const tier = tiers[k]!;
      const b = Math.floor(sec / tier.step);
      if (bucket[k] === b) continue;
      if (bucket[k]! >= 0) {
        const t = bucket[k]! * tier.step;
        const i = bucket[k]! % tier.slots;
        tier.times[i] = t;
        for (const s of series.values()) {
          const a = s.acc[k]!;
          s.values[k]![i] = a.n ? a.sum / a.n : Number.NaN;
          a.sum = 0;
          a.n = 0;
        }
      }
      bucket[k] = b;
    }
  }

  function load() {
    if (!opts.dir) return;
    const path = join(opts.dir, FILE);
    if (!existsSync(path)) return;
    try {
      const buf = readFileSync(path);
      const headLen = buf.readUInt32LE(0);
      const head = JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')) as {
        format: number;
        tiers: { step: number; slots: number }[];
        contexts: [string, ContextMeta & { dimensions: string[] }][];
        series: [string, string][];
      };
      if (
        head.format !== FORMAT ||
        head.tiers.some((t, k) => t.step !== tiers[k]?.step || t.slots !== tiers[k]?.slots)
      )
        return;
      // Arrays start 4-byte aligned after the header.
      let at = 4 + headLen + ((4 - ((4 + headLen) % 4)) % 4);
      const take = <T>(make: (b: ArrayBuffer) => T, bytes: number): T => {
        const copy = buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + bytes);
        at += bytes;
        return make(copy);
      };
      for (const t of tiers) t.times.set(take((b) => new Uint32Array(b), t.slots * 4));
      for (const [id, meta] of head.contexts) contexts.set(id, { ...meta, dimensions: [] });
      for (const [context, dimension] of head.series) {
        const s = seriesOf(context, dimension);
        if (!s) break;
        for (let k = 0; k < tiers.length; k++)
          s.values[k]!.set(take((b) => new Float32Array(b), tiers[k]!.slots * 4));
      }
    } catch {
      // A damaged file is started over: history is a convenience, never a reason not to run.
    }
  }
  load();

  /** What brings the history up to date before it is read: a source that records in batches. */
  let settle = () => {};

  return {
    /** `settle` records what its source holds back; the history calls it before every read. */
    fedBy(source: () => void) {
      settle = source;
    },
    /** Say what a context is (before its first values). */
    describe(id: string, meta: ContextMeta) {
      const known = contexts.get(id);
      contexts.set(id, { ...meta, dimensions: known?.dimensions ?? [] });
    },
    /** One second's values: context → dimension → value. */
    record(atMs: number, values: Record<string, Record<string, number>>) {
      const sec = Math.floor(atMs / 1000);
      roll(sec);
      const t0 = tiers[0]!;
      const i0 = sec % t0.slots;
      const fresh = t0.times[i0] !== sec;
      t0.times[i0] = sec;
      if (fresh) for (const s of series.values()) s.values[0]![i0] = Number.NaN;
      for (const context in values) {
        if (!contexts.has(context)) continue;
        const dims = values[context]!;
        for (const dimension in dims) {
          const v = dims[dimension]!;
          const s = seriesOf(context, dimension);
          if (!s || !Number.isFinite(v)) continue;
          s.values[0]![i0] = v;
          for (let k = 1; k < tiers.length; k++) {
            s.acc[k]!.sum += v;
            s.acc[k]!.n++;
          }
        }
      }
    },
    /** The contexts with their dimensions and how far back they go. */
    contexts(): ContextInfo[] {
      settle();
      const nowSec = Math.floor(now() / 1000);
      const oldest = Math.min(
        ...tiers.map((t) => t.times.reduce((m, x) => (x > 0 && x < m ? x : m), nowSec)),
      );
      return [...contexts]
        .filter(([, c]) => c.dimensions.length > 0)
        .map(([id, c]) => ({
          id,
          ...c,
          dimensions: [...c.dimensions],
          first_entry: oldest,
          last_entry: nowSec,
        }));
    },
    /**
     * A context's points between two times: from the finest tier that reaches back to `after`, averaged down to at
     * most `points`. Null when the agent has no such context.
     */
    query(p: DataParams): DataAnswer | null {
      settle();
      const meta = contexts.get(p.context);
      if (!meta || meta.dimensions.length === 0) return null;
      const nowSec = Math.floor(now() / 1000);
      const after = p.after <= 0 ? nowSec + p.after : p.after;
      const before = p.before <= 0 ? nowSec + p.before : p.before;
      const found = tiers.findIndex((t) => nowSec - t.step * t.slots <= after);
      const kk = found < 0 ? tiers.length - 1 : found;
      const tier = tiers[kk]!;
      const rows = meta.dimensions.map((d) => series.get(keyOf(p.context, d))!);
      const slots = [...slotsBetween(tier, after, before)];
      const group = Math.max(1, Math.ceil(slots.length / p.points));
      const points: (number | null)[][] = [];
      // Groups end at the newest slot, so the last point is always the latest value.
      for (let end = slots.length; end > 0; end -= group) {
        const part = slots.slice(Math.max(0, end - group), end);
        const point: (number | null)[] = [part.at(-1)!.t];
        for (const s of rows) {
          let sum = 0;
          let n = 0;
          for (const { i } of part) {
            const v = s.values[kk]![i]!;
            if (!Number.isNaN(v)) {
              sum += v;
              n++;
            }
          }
          point.push(n ? Math.round((sum / n) * 1000) / 1000 : null);
        }
        points.push(point);
      }
      points.reverse();
      return {
        context: p.context,
        title: meta.title,
        units: meta.units,
        chart_type: meta.chart_type,
        labels: ['time', ...meta.dimensions],
        points,
        update_every: tier.step * group,
      };
    },
    /** Write the history to the state directory (atomically: a crash leaves the previous file). */
    save() {
      if (!opts.dir) return;
      settle();
      const list = [...series.values()];
      const head = Buffer.from(
        JSON.stringify({
          format: FORMAT,
          tiers: tiers.map(({ step, slots }) => ({ step, slots })),
          contexts: [...contexts].map(([id, c]) => [id, { ...c, dimensions: [] }]),
          series: list.map((s) => [s.context, s.dimension]),
        }),
      );
      const pad = (4 - ((4 + head.length) % 4)) % 4;
      const parts: Buffer[] = [Buffer.alloc(4), head, Buffer.alloc(pad)];
      parts[0]!.writeUInt32LE(head.length);
      for (const t of tiers) parts.push(Buffer.from(t.times.buffer, t.times.byteOffset, t.times.byteLength));
      for (const s of list)
        for (const v of s.values) parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      const path = join(opts.dir, FILE);
      writeFileSync(`${path}.tmp`, Buffer.concat(parts), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    },
    seriesCount: () => series.size,
  };
}
export type History = ReturnType<typeof createHistory>;
