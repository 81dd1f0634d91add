// Calls `onChange` (debounced) when any of a set of files changes on disk. Watches the parent
// directories with fs.watch, because certificate tools replace files by rename and a watch on the
// file itself would follow the old inode; a periodic stat of (inode, size, mtime) catches what
// fs.watch misses (network file systems, containers, editors writing in place).
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface WatchFilesOptions {
  /** Wait this long after the last event before calling onChange (ms). Default 200. */
  debounceMs?: number;
  /** Stat the files this often (ms); 0 disables polling. Default 60000. */
  pollIntervalMs?: number;
  /** Use fs.watch (default true); polling alone otherwise. */
  useFsWatch?: boolean;
  /** Called when fs.watch cannot watch a directory (polling still runs). */
  onWatchError?: (dir: string, error: Error) => void;
}

export interface FileWatch {
  /** Records the current state of the files, so only later changes count. */
  snapshot(): Promise<void>;
  close(): void;
}

async function signature(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    return `missing:${(e as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/** Watches `files`; `onChange` runs at most once per debounce window and never concurrently with itself. */
export function watchFiles(files: readonly string[], onChange: () => void, options: WatchFilesOptions = {}): FileWatch {
  const debounceMs = options.debounceMs ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  const names = new Map<string, Set<string>>();
  for (const f of files) {
    const set = names.get(dirname(f)) ?? new Set<string>();
    set.add(basename(f));
    names.set(dirname(f), set);
  }
  const last = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, debounceMs);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  if (options.useFsWatch ?? true) {
    for (const [dir, set] of names) {
      try {
        const w = watch(dir, { persistent: false }, (_event, filename) => {
          // filename may be null on some platforms: then any event in the directory counts.
          if (filename === null || set.has(filename.toString())) schedule();
        });
        w.on('error', (e) => options.onWatchError?.(dir, e));
        watchers.push(w);
      } catch (e) {
        options.onWatchError?.(dir, e as Error);
      }
    }
  }

  const snapshot = async () => {
    for (const f of files) last.set(f, await signature(f));
  };

  let polling = false;
  const poll = pollIntervalMs > 0
    ? setInterval(() => {
      if (polling || closed) return;
      polling = true;
      void (async () => {
        let changed = false;
        for (const f of files) {
          const sig = await signature(f);
          if (last.get(f) !== sig) changed = true;
          last.set(f, sig);
        }
        if (changed) schedule();
      })().finally(() => (polling = false));
    }, pollIntervalMs)
    : undefined;
  poll?.unref();

  return {
    snapshot,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
