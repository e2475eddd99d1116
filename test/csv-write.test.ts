import { describe, expect, it } from 'vitest';
import { csvLine } from '../src/io/csv-write.js';

describe('csvLine', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvLine(['Smith, Jones', 'say "hi"', 'two\nlines', 'plain'])).toBe('"Smith, Jones","say ""hi""","two\nlines",plain');
  });

  it('keeps text a spreadsheet would run as a formula as text, and leaves numbers alone', () => {
    expect(csvLine(['=HYPERLINK("http://x")', '+1', '@SUM(A1)', '-cmd', '-12.5', -3, '2026-11-24T09:00:00-05:00'])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'@SUM(A1),'-cmd,-12.5,-3,2026-11-24T09:00:00-05:00`,
    );
  });
});
