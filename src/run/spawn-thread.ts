import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on one of our modules. Built (dist/*.js) it is a plain Worker; run from
 * source under tsx (npm start, the tests, the benchmarks) the thread must register tsx's loader
 * itself before importing the .ts module: Node 20 does not carry a parent's --import hooks into
 * a worker's entry point.
 */
export function spawnThread(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
