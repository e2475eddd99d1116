import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface Thread<T> {
  /** The one message the thread posts before it ends. */
  result: Promise<T>;
  /** Ends the thread now, for a caller that no longer wants its answer. */
  stop(): Promise<number>;
}

/**
 * A worker thread on an entry of this directory (`name` without extension) with `workerData`.
 * From the compiled build the entry is a .js file; under tsx (dev, tests) it is the .ts source,
 * which a worker cannot load by itself (tsx's `--import` hooks do not reach a worker's entry:
 * privatenumber/tsx#354), so the worker registers tsx first and then imports it.
 */
export function spawnWorker(name: string, workerData: unknown): Worker {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./${name}${extension}`, import.meta.url);
  return extension === '.js'
    ? new Worker(entry, { workerData })
    : new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
           .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
        { eval: true, workerData },
      );
}

/** Starts a thread that answers with one message and ends (see `spawnWorker`). */
export function startThread<T>(name: string, workerData: unknown): Thread<T> {
  const worker = spawnWorker(name, workerData);
  const result = new Promise<T>((resolve, reject) => {
    let answer: { value: T } | undefined;
    worker.once('message', (value: T) => (answer = { value }));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (answer) resolve(answer.value);
      else reject(new Error(`thread ${name} exited with code ${code} before answering`));
    });
  });
  return {
    result,
    stop: () => {
      result.catch(() => {}); // stopped on purpose: nobody waits for its answer
      return worker.terminate();
    },
  };
}

/**
 * How many more threads would each get a core of their own, besides this one: measured as the
 * idle CPU over a short sample, since a load average lags a minute behind (and still counts
 * this process's own last minute of work). On two busy cores a second thread only adds its
 * start-up and hand-over costs.
 */
export async function spareCores(sampleMs = 200): Promise<number> {
  const cores = availableParallelism();
  if (cores < 2) return 0;
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = cpuTimes();
  const total = after.total - before.total;
  if (total <= 0) return loadavg()[0]! >= cores - 0.5 ? 0 : cores - 1;
  const idleCores = ((after.idle - before.idle) / total) * cores;
  // One idle core is this thread's own; half of another is enough for a thread that mostly waits on it.
  return Math.max(0, Math.min(cores - 1, Math.round(idleCores - 1)));
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}
