// A commit's subject, author and date read from the raw commit object (through the long-lived cat-file reader),
// as `git log --format=%s%x00%an <%ae>%x00%aI` prints them, without starting a git process per commit.

export interface CommitFields {
  subject: string;
  /** "Name <email>" */
  author: string;
  /** ISO 8601 in the author's time zone, as %aI */
  date: string;
}

/** Parses a raw commit object; undefined when it has no author line. */
export function parseCommitObject(data: Buffer): CommitFields | undefined {
  const text = data.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = (split < 0 ? text : text.slice(0, split)).split('\n');
  const message = split < 0 ? '' : text.slice(split + 2);
  // header continuation lines (a signature) start with a space and are not headers
  const authorLine = headers.find((h) => h.startsWith('author '));
  const m = authorLine && /^author (.*) (-?\d+) ([+-])(\d\d)(\d\d)$/.exec(authorLine);
  if (!m) return undefined;
  // %s: the first paragraph of the message, its lines joined with spaces
  const lines: string[] = [];
  for (const line of message.split('\n')) {
    if (!line.trim()) {
      if (lines.length) break;
      continue;
    }
    lines.push(line.trim());
  }
  return { subject: lines.join(' '), author: m[1], date: isoWithOffset(Number(m[2]), m[3], m[4], m[5]) };
}

/** Seconds since the epoch, shown at the offset sign hh mm: "2026-12-06T11:53:05+01:00". */
function isoWithOffset(seconds: number, sign: string, hh: string, mm: string): string {
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
  const local = new Date(seconds * 1000 + offsetMs).toISOString().slice(0, 19);
  return `${local}${sign}${hh}:${mm}`;
}
