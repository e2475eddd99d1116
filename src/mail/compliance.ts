import type { LeadProfile } from '../domain/types.js';
import type { WorkspaceProblem } from '../workspace/errors.js';
import type { Workspace } from '../workspace/load.js';
import { Renderer } from './render.js';

const SAMPLE_LEAD: LeadProfile = {
  id: 0,
  email: 'sample.lead@example.com',
  firstName: 'Sam',
  lastName: 'Sample',
  company: 'Example Co',
  jobTitle: 'Marketing Manager',
  industry: 'SaaS',
  country: 'US',
  timezone: '',
  consent: 'confirmed',
  attributes: {},
};

/**
 * Renders every email once with a sample lead and checks what the law asks of each message:
 * a working unsubscribe link and the sender's postal address (CAN-SPAM), and that rendering
 * succeeds at all (strict mode: a missing variable is an error here, not at send time).
 */
export function complianceProblems(workspace: Workspace): WorkspaceProblem[] {
  const renderer = new Renderer(workspace.templates);
  const problems: WorkspaceProblem[] = [];
  const unsubscribe = 'https://nurture.invalid/u/sample-token';
  for (const email of workspace.templates.emails.values()) {
    try {
      const out = renderer.render({
        lead: SAMPLE_LEAD,
        sender: workspace.config.sender,
        sequence: { id: 'sample', name: 'Sample' },
        step: { id: 'sample', force: 'push', template: email.name },
        // Only the double opt-in email has a confirm link; a nurture email that used one would fail at send time.
        links: email.name === workspace.config.confirmationTemplate ? { unsubscribe, confirm: 'https://nurture.invalid/k/sample' } : { unsubscribe },
        track: (url) => url,
      });
      if (!out.html.includes(unsubscribe))
        problems.push({
          file: email.file,
          message: 'the rendered email has no unsubscribe link ({{links.unsubscribe}})',
        });
      const address = workspace.config.sender.postalAddress;
      if (!out.html.includes(address) && !out.text.includes(address)) {
        problems.push({
          file: email.file,
          message: "the rendered email lacks the sender's postal address ({{sender.postalAddress}})",
        });
      }
    } catch (error) {
      problems.push({
        file: email.file,
        message: `does not render: ${(error as Error).message.split('\n')[0]}`,
      });
    }
  }
  return problems;
}
