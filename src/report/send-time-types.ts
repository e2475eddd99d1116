/** One arm of send-time optimisation as the database counts it (db/send-time-report.ts). */
export interface SendTimeArmCounts {
  arm: 'optimised' | 'holdout';
  sent: number;
  humanOpened: number;
  humanClicked: number;
}
