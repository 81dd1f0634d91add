/**
 * Local files and folders as scan objects. Folders are walked recursively in name order; symbolic
 * links are not followed (a link cycle or a link out of the tree must not widen the scan), and
 * only regular files are scanned.
 */
import { createReadStream } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CofferError } from '../../shared/errors.js';
import type { ScanObject } from './scan-object.js';

function isInside(rel: string): boolean {
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** How a local path is shown: relative to `cwd` when inside it, else absolute. POSIX separators. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const shown = isInside(rel) ? rel : absolute;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

function fileObject(absolute: string, size: number, cwd: string): ScanObject {
  const name = displayPath(absolute, cwd);
  const inside = isInside(relative(cwd, absolute));
  return {
    name,
    // SARIF artifact URI: relative to the scan's working directory (uriBaseId SRCROOT) when inside it.
    uri: inside ? name.split('/').map(encodeURIComponent).join('/') : pathToFileURL(absolute).href,
    uriIsRelative: inside,
    size,
    open: () => createReadStream(absolute),
  };
}

async function walk(dir: string, cwd: string, out: ScanObject[]): Promise<void> {
  const handle = await opendir(dir);
  const names: string[] = [];
  for await (const entry of handle) names.push(entry.name);
  names.sort();
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try {
      st = await lstat(p);
    } catch {
      continue; // removed while walking
    }
    if (st.isDirectory()) await walk(p, cwd, out);
    else if (st.isFile()) out.push(fileObject(p, st.size, cwd));
  }
}

/**
 * Checks that every path exists (so a typo fails before any work, exit code 2) and returns the
 * objects under them, in argument order, folders walked recursively (listed up front so that the
 * progress bar knows the totals).
 */
export async function localObjects(paths: readonly string[], cwd = process.cwd()): Promise<ScanObject[]> {
  const roots: Array<{ abs: string; dir: boolean; size: number }> = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = await stat(abs);
    } catch (cause) {
      throw new CofferError('discovery.scan.path_not_found', { message: `cannot read ${p}: no such file or directory`, cause });
    }
    if (!st.isDirectory() && !st.isFile()) {
      throw new CofferError('discovery.scan.unsupported_path', { message: `${p} is neither a file nor a directory` });
    }
    roots.push({ abs, dir: st.isDirectory(), size: st.size });
  }
  const out: ScanObject[] = [];
  for (const r of roots) {
    if (r.dir) await walk(r.abs, cwd, out);
    else out.push(fileObject(r.abs, r.size, cwd));
  }
  return out;
}
