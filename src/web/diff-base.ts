import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type ReviewBase = { ok: true; base: string } | { ok: false; message: string };

/**
 * A git ref name as people type them: `main`, `v1.2`, `origin/main`, `HEAD~1`, `HEAD^`, a
 * commit id. Never `-…` (git would read an option), `..` (a range), `@{…}` (reflog, dates), `:`
 * (a path in a tree), spaces or other characters git gives meaning to.
 */
const REF = /^(?!.*\.\.)(?!.*\/\/)(?!.*\.lock(?:[~^]|$))[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}(?:[~^]\d{0,3})*$/;

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
};

/**
 * What `/diff?base=` may compare against: a directory inside the workspace (by its real path,
 * so a symlink out of it is refused), or a git ref of the workspace's own repository (a name of
 * the strict form above that `git rev-parse --verify` resolves to a commit). Anything else — a
 * path outside (`../../etc`, `/etc`), an option, a range — is refused with a message that says
 * what is allowed. Returns the real directory, or the ref, to hand to loadBaseWorkspace.
 */
export function checkReviewBase(workspaceDir: string, base: string): ReviewBase {
  const root = realpathSync(workspaceDir);
  const asPath = resolve(root, base);
  const outside = `base "${base}" is outside the workspace: the review pages compare only with a directory inside it or a git ref of its repository (e.g. HEAD~1)`;
  if (!inside(root, asPath)) return { ok: false, message: outside };
  if (existsSync(asPath)) {
    const real = realpathSync(asPath);
    if (!inside(root, real)) return { ok: false, message: outside };
    if (statSync(real).isDirectory()) return { ok: true, base: real };
  }
  if (!REF.test(base))
    return { ok: false, message: `base "${base}" is neither a directory inside the workspace nor a git ref name (e.g. main, v1.2, HEAD~1)` };
  try {
    execFileSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`], { stdio: 'ignore' });
  } catch {
    return { ok: false, message: `base "${base}" is neither a directory nor a git ref of the repository holding the workspace` };
  }
  return { ok: true, base };
}
