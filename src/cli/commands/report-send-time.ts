import type { SendTimeLift, SendTimeSection } from '../../report/send-time.js';
import type { Rate } from '../../report/types.js';
import type { CliIo } from '../io.js';
import { table } from '../output.js';

const rate = (r: Rate) => (r.rate === null ? '–' : `${r.successes} ${(r.rate * 100).toFixed(1)}% (${(r.low! * 100).toFixed(1)}–${(r.high! * 100).toFixed(1)})`);
const lift = (l: SendTimeLift) =>
  l.lift === null ? '–' : `${l.lift >= 0 ? '+' : ''}${(l.lift * 100).toFixed(1)} pts (${(l.low! * 100).toFixed(1)}…${(l.high! * 100).toFixed(1)})`;

/** The report's send-time section as a table: optimised sends against the holdout, with the lift. */
export function printSendTime(io: CliIo, s: SendTimeSection): void {
  io.stdout('');
  io.stdout('Send-time optimisation: messages sent at the chosen slot (best or exploratory) against the holdout kept at the first open moment.');
  io.stdout(
    table(
      ['arm', 'sent', 'human opened', 'human clicked'],
      [
        ['optimised', String(s.optimised.sent), rate(s.optimised.humanOpenRate), rate(s.optimised.humanClickRate)],
        ['holdout', String(s.holdout.sent), rate(s.holdout.humanOpenRate), rate(s.holdout.humanClickRate)],
        ['lift', '', lift(s.openLift), lift(s.clickLift)],
      ],
    ),
  );
  io.stdout('Rates: of messages sent, Wilson 95% intervals; lift: optimised − holdout, Newcombe 95% interval.');
}
