/**
 * CPU time and memory of processes and their threads, read from /proc (Linux): per-thread
 * utime + stime from /proc/<pid>/task/<tid>/stat, resident memory from /proc/<pid>/status.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime (100 on every Linux ABI Node runs on). */
const ticksPerSecond = 100;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
}

/** `comm`, parent pid and CPU ms of a /proc stat line (comm may hold spaces and parentheses). */
export function parseStat(text: string): { comm: string; ppid: number; cpuMs: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After the comm: state(0) ppid(1) … utime(11) stime(12), per proc(5).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    comm: text.slice(open + 1, close),
    ppid: Number(fields[1]),
    cpuMs: (ticks * 1000) / ticksPerSecond,
  };
}

/** Every live descendant of `root` (children, grandchildren, …), not `root` itself. */
export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = readText(`/proc/${entry}/stat`);
    if (text) parents.set(Number(entry), parseStat(text).ppid);
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const [pid, ppid] of parents)
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        frontier.push(pid);
      }
  }
  return found;
}

export interface ThreadTime {
  tid: number;
  comm: string;
  cpuMs: number;
}

/** CPU ms so far of each live thread of `pid`. */
export function threadTimes(pid: number): ThreadTime[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.flatMap((tid) => {
    const text = readText(`/proc/${pid}/task/${tid}/stat`);
    return text ? [{ tid: Number(tid), ...parseStat(text) }] : [];
  });
}

/** CPU ms so far of the whole process (every thread, live or ended), and its comm. */
export function processTime(pid: number): { comm: string; cpuMs: number } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text ? parseStat(text) : undefined;
}

/** Resident set size in bytes (VmRSS), 0 once the process is gone. */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readText(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : 0;
}
