import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Node } from './api.ts';

/** Client-side navigation without a reload. */
export function navigate(path: string) {
  if (location.pathname + location.search === path) return;
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

export function ago(ms: number | null | undefined): string {
  if (!ms) return '—';
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : '—');

/** Re-render every few seconds so "ago" texts stay true. */
export function useTick(ms = 5000) {
  const [, set] = useState(0);
  useEffect(() => {
    const t = setInterval(() => set((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}

export function StatusBadge({ node }: { node: Pick<Node, 'status' | 'duplicate_suspected'> }) {
  return (
    <span class="badges">
      <span class={`badge status-${node.status}`}>{node.status}</span>
      {node.duplicate_suspected && (
        <span
          class="badge status-duplicate"
          title="Two machines seem to share this identity (a cloned disk?)"
        >
          duplicate identity suspected
        </span>
      )}
    </span>
  );
}

/** Which agent a node runs: "Netdata 2.10.4", "Muster 0.1.0", or the version alone before its first link. */
export function agentLabel(
  node: Pick<Node, 'agent_kind' | 'agent_version'> & { update_available?: boolean },
): string {
  const name = node.agent_kind === 'netdata' ? 'Netdata' : node.agent_kind === 'muster' ? 'Muster' : '';
  const label = [name, node.agent_version].filter(Boolean).join(' ') || '—';
  return node.update_available ? `${label} · update available` : label;
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error instanceof Error ? error.message : asText(error)}
    </p>
  );
}

/** A modal dialog (native <dialog>: focus stays inside, Escape closes). */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'wide' : ''}
      aria-label={props.title}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <header>
        <h2>{props.title}</h2>
        <button type="button" class="plain" aria-label="Close" onClick={props.onClose}>
          ✕
        </button>
      </header>
      {props.children}
    </dialog>
  );
}

/** A button that asks before it acts; shows the error if the action fails. */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button type="button" class={props.danger ? 'danger' : ''} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      {open && (
        <Dialog title={props.label} onClose={() => setOpen(false)}>
          <p>{props.question}</p>
          <ErrorText error={error} />
          <div class="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              class={props.danger ? 'danger' : 'primary'}
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await props.onConfirm();
                  setOpen(false);
                } catch (err) {
                  setError(err);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {props.confirmLabel ?? props.label}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** Copy text to the clipboard; says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // Without clipboard permission, select the text so Ctrl+C works.
          const sel = getSelection();
          const pre = document.querySelector('pre.command');
          if (sel && pre) sel.selectAllChildren(pre);
        }
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : label}
    </button>
  );
}

export function Card(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card">
      <header>
        <h2>{props.title}</h2>
        <div class="card-actions">{props.actions}</div>
      </header>
      {props.children}
    </section>
  );
}

/** A text field of a submitted form ('' when absent). */
export function field(form: HTMLFormElement | FormData, name: string): string {
  const v = (form instanceof FormData ? form : new FormData(form)).get(name);
  return typeof v === 'string' ? v : '';
}

/** Any value from a machine, as display text. */
export function asText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** Run an action, then reload; the action's failure is kept for display. */
export function useAction(reload: () => Promise<unknown>) {
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  return { error, setError, act };
}

/** A table head from column titles ('' for an unlabelled actions column). */
export function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th key={i}>{c}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The OS as people say it: "Debian GNU/Linux 12 (bookworm)", not with the version a second time. */
export function osLabel(node: Pick<Node, 'os' | 'os_version'>): string {
  const os = node.os ?? '';
  return node.os_version && !os.includes(node.os_version) ? `${os} ${node.os_version}`.trim() : os;
}

/** A labelled select of (value, label) options; with `any`, a first option '' labelled so ("Any", "All rooms"). */
export function Choice<T extends string>(props: {
  label: string;
  value: T | '';
  onChange: (value: T | '') => void;
  options: readonly (readonly [T, string])[];
  any?: string;
}) {
  return (
    <label>
      {props.label}
      {/* The options are the only values the select can hold. */}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T | '')}>
        {props.any !== undefined && <option value="">{props.any}</option>}
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
