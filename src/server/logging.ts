import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** pino-pretty is loaded only for a terminal: a server logging JSON starts without it. */
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

/** How log lines look: for people at a terminal, or JSON for a log collector. */
export type LogFormat = 'auto' | 'pretty' | 'json';

/** Fields the event lines carry for machines; a person reads the same in the message. */
const IN_THE_MESSAGE = [
  'pid',
  'hostname',
  'node_hostname',
  'part',
  'event',
  'actor',
  'target_type',
  'target_id',
  'ip',
  'node_id',
  'job_id',
  'type',
  'state',
  'error_key',
  'reason',
  'reqId',
  'req',
  'res',
  'responseTime',
].join(',');

/** Whether log lines are for people (pretty) rather than JSON, for this format and stream. */
export function humanLogs(format: LogFormat, stream: NodeJS.WriteStream = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stream.isTTY === true);
}

/**
 * The server's logger. `auto` is one short line per event ("14:02:11 INFO link up: web-01 (…) from 10.0.0.5") when
 * standard output is a terminal, and JSON otherwise (journald, containers, collectors); `pretty` and `json` force
 * one. Cookies and authorization headers are never written.
 */
export function createLogger(
  level: string,
  format: LogFormat,
  stream: NodeJS.WriteStream = process.stdout,
): Logger {
  const options = { level, redact: ['req.headers.authorization', 'req.headers.cookie'] };
  if (!humanLogs(format, stream)) return pino(options, stream);
  return pino(
    options,
    loadPretty()({
      destination: stream,
      sync: true,
      colorize: stream.isTTY === true,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss o',
      ignore: IN_THE_MESSAGE,
      singleLine: true,
    }),
  );
}
