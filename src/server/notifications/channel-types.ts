import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { AlertView, ChannelType } from '../../protocol/api/alerts.ts';

const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL');

/** Each channel type's configuration (what `config` holds on POST; PATCH merges into it). */
export const CHANNEL_CONFIGS = {
  webhook: z.object({ url: httpUrl, secret: z.string().min(8).max(200).optional() }).strict(),
  email: z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535),
      /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().optional(),
      /** Refuse to send unless the server upgrades to TLS (STARTTLS). */
      require_tls: z.boolean().optional(),
      username: z.string().max(255).optional(),
      password: z.string().max(500).optional(),
      from: z.string().min(3).max(255),
      to: z.array(z.string().min(3).max(255)).min(1).max(50),
    })
    .strict(),
  slack: z.object({ url: httpUrl }).strict(),
  discord: z.object({ url: httpUrl }).strict(),
  teams: z.object({ url: httpUrl }).strict(),
  mattermost: z.object({ url: httpUrl }).strict(),
  /** The topic's URL (https://ntfy.sh/<topic> or your own server's), with an access token when it needs one. */
  ntfy: z.object({ url: httpUrl, token: z.string().max(500).optional() }).strict(),
  /** The Gotify server's URL and an application token. */
  gotify: z.object({ url: httpUrl, token: z.string().min(1).max(500) }).strict(),
} satisfies Record<ChannelType, z.ZodType>;

export type ChannelConfig = Record<string, unknown>;
const SECRET_FIELDS = ['secret', 'password', 'token'];

/** A configuration as the API shows it: URLs by origin only (tokens hide in their paths), secrets as set or not. */
export function redactConfig(config: ChannelConfig): ChannelConfig {
  const out: ChannelConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (SECRET_FIELDS.includes(k)) out[`${k}_set`] = typeof v === 'string' && v.length > 0;
    else if (k === 'url' && typeof v === 'string') out.url = `${new URL(v).origin}/…`;
    else out[k] = v;
  }
  return out;
}

/** What one delivery carries: the alerts of one state, for one channel. */
export interface Delivery {
  state: 'firing' | 'resolved' | 'test';
  alerts: AlertView[];
  /** Where the alerts page (or the one alert) is. */
  url: string | null;
  /** The server's public URL, for links to nodes. */
  publicUrl: string | null;
}

export interface DeliveryResult {
  ok: boolean;
  status_code: number | null;
  error: string | null;
}

const LISTED = 20;
const PRIORITY = { critical: 5, warning: 4, info: 3 } as const;

/** What to do next, per kind: the first step a person takes. */
const NEXT_STEP: Record<string, string> = {
  node_offline: 'check that the machine is up and its agent runs (systemctl status muster-agent)',
  node_pending: 'run the connect command on the machine, or remove the node',
  duplicate_identity: 'two machines use one identity: re-claim the copy with a fresh state directory',
  backup_failed: "open the node's backups and read the job's output",
  backup_overdue: "check the node's backup schedule and its last jobs",
  check_failed: 'run a repository check again and read its output; restore tests may be due',
  repository_locked: "run unlock on the node's repository once no restic process uses it",
  repository_init_failed: "check the repository's location and credentials on the node's backups tab",
  update_failed: "read the update job's output; the agent keeps running its old version",
  job_lost: "the agent restarted during the job; run it again from the node's jobs",
  storage_unhealthy: "free space on the server's database storage; the server's log says what failed",
  replica_lost: 'check the replica process; its agents reconnect to the others',
  certificate_expiring: 'renew the certificate (docs/operations.md)',
  channel_failing: "open the channel's delivery attempts in Alerts → Channels",
};

function title(d: Delivery): string {
  const [first] = d.alerts;
  if (d.state === 'test') return 'Muster: test notification';
  const tag = d.state === 'firing' ? 'FIRING' : 'RESOLVED';
  if (d.alerts.length === 1 && first) return `[${tag}] ${first.summary}`;
  const kinds = [...new Set(d.alerts.map((a) => a.kind))].join(', ');
  return `[${tag}] ${d.alerts.length} alerts: ${kinds}`;
}

function lines(d: Delivery): string[] {
  if (d.state === 'test') return ['This is a test notification from Muster. The channel works.'];
  const out = d.alerts.slice(0, LISTED).map((a) => {
    const who = a.hostname ? `${a.hostname}: ` : '';
    const count = a.count > 1 ? ` (${a.count} times)` : '';
    return `- ${a.severity.toUpperCase()} ${who}${a.summary}${count}`;
  });
  if (d.alerts.length > LISTED) out.push(`…and ${d.alerts.length - LISTED} more`);
  const steps = [...new Set(d.alerts.map((a) => NEXT_STEP[a.kind]).filter(Boolean))];
  if (d.state === 'firing' && steps.length) out.push('', `Next: ${steps.slice(0, 3).join('; ')}.`);
  if (d.url) out.push('', d.url);
  return out;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The webhook's body: version 1 (docs/alerts.md). `alert` is the first; `alerts` all of a grouped delivery. */
export function webhookBody(d: Delivery): string {
  return JSON.stringify({
    version: 1,
    state: d.state,
    alert: d.alerts[0] ?? null,
    alerts: d.alerts,
    url: d.url,
  });
}

/** `sha256=<hex HMAC-SHA256 of the body under the channel's secret>`. */
export const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function post(url: string, body: string, headers: Record<string, string>): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'user-agent': 'Muster-Notifier/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { ok: true, status_code: res.status, error: null }
      : {
          ok: false,
          status_code: res.status,
          error: `the receiver answered ${res.status} ${res.statusText}`,
        };
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return {
      ok: false,
      status_code: null,
      error: cause ?? (err instanceof Error ? err.message : String(err)),
    };
  }
}

const json = { 'content-type': 'application/json' };

/** Send one delivery through one channel. Never throws: the result says what happened. */
export async function deliver(
  type: ChannelType,
  config: ChannelConfig,
  d: Delivery,
): Promise<DeliveryResult> {
  const head = title(d);
  const text = lines(d).join('\n');
  const worst = d.alerts.reduce((w, a) => Math.max(w, PRIORITY[a.severity]), d.state === 'resolved' ? 2 : 3);
  const url = typeof config.url === 'string' ? config.url : '';
  switch (type) {
    case 'webhook': {
      const body = webhookBody(d);
      const secret = typeof config.secret === 'string' ? config.secret : null;
      return post(url, body, {
        ...json,
        ...(secret ? { 'x-muster-signature': signature(secret, body) } : {}),
      });
    }
    case 'slack':
    case 'mattermost':
      return post(url, JSON.stringify({ text: `*${head}*\n${text}` }), json);
    case 'discord':
      return post(url, JSON.stringify({ content: `**${head}**\n${text}`.slice(0, 2000) }), json);
    case 'teams':
      return post(
        url,
        JSON.stringify({
          '@type': 'MessageCard',
          '@context': 'https://schema.org/extensions',
          summary: head,
          title: head,
          text: text.replace(/\n/g, '  \n'),
        }),
        json,
      );
    case 'ntfy':
      return post(url, text, {
        'content-type': 'text/plain; charset=utf-8',
        title: head.replace(/[^\x20-\x7e]/g, '?'),
        priority: String(worst),
        tags: d.state === 'resolved' ? 'white_check_mark' : 'warning',
        ...(d.url ? { click: d.url } : {}),
        ...(typeof config.token === 'string' ? { authorization: `Bearer ${config.token}` } : {}),
      });
    case 'gotify':
      return post(
        `${url.replace(/\/+$/, '')}/message`,
        JSON.stringify({ title: head, message: text, priority: worst * 2 }),
        { ...json, 'x-gotify-key': typeof config.token === 'string' ? config.token : '' },
      );
    case 'email':
      return sendMail(config, head, text);
  }
}

async function sendMail(config: ChannelConfig, subject: string, text: string): Promise<DeliveryResult> {
  const c = CHANNEL_CONFIGS.email.parse(config);
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure ?? false,
    requireTLS: c.require_tls ?? false,
    ...(c.username ? { auth: { user: c.username, pass: c.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
  try {
    await transport.sendMail({
      from: c.from,
      to: c.to,
      subject,
      text,
      html: `<h3>${escapeHtml(subject)}</h3><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre>`,
    });
    return { ok: true, status_code: null, error: null };
  } catch (err) {
    const e = err as { responseCode?: number; message?: string };
    return { ok: false, status_code: e.responseCode ?? null, error: e.message ?? String(err) };
  } finally {
    transport.close();
  }
}
