// mailauth 4.x ships no type declarations: the two functions Nurture uses (signing) and its tests use (verifying).
declare module 'mailauth/lib/dkim/sign.js' {
  export interface DkimSignOptions {
    signingDomain: string;
    selector: string;
    privateKey: string | Buffer;
    algorithm?: string;
    canonicalization?: string;
    headerList?: string;
    signTime?: Date;
  }
  export function dkimSign(
    input: Buffer | string,
    options: DkimSignOptions,
  ): Promise<{ signatures: string; errors: { error?: string; message?: string }[] }>;
}

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
