import { systemClock } from '../time/clock.js';
import { runCli } from './program.js';

const status = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  clock: systemClock,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
});
process.exitCode = status;
