// mailauth 4.x ships no type declarations: the verifier the DKIM tests use (an implementation independent of nodemailer's signer).
declare module 'mailauth/lib/dkim/verify.js' {
  export interface DkimResult {
    signingDomain?: string;
    selector?: string;
    algo?: string;
    status: { result: string; comment?: string; header?: Record<string, string> };
    info?: string;
  }
  export function dkimVerify(
    input: Buffer | string,
    options: { resolver: (name: string, type: string) => Promise<string[][]>; curTime?: Date },
  ): Promise<{ results: DkimResult[] }>;
}
