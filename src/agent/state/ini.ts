/** Parse a small INI file into sections of key -> value (keys lower-cased, spaces inside keys kept). */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = 'global';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim().toLowerCase();
      continue;
    }
    const i = line.indexOf('=');
    if (i < 0) continue;
    (out[section] ??= {})[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Write one INI section. */
export function formatIni(section: string, values: Record<string, string>): string {
  return `[${section}]\n${Object.entries(values)
    .map(([k, v]) => `    ${k} = ${v}`)
    .join('\n')}\n`;
}

/** Read an INI yes/no. */
export function iniBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return /^(yes|true|1|on)$/i.test(v);
}
