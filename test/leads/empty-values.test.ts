import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { unguardedLeadValues } from '../../src/workspace/template-guards.js';
import { leadsWorkspaces } from './support.js';

/** Issue 13.4: lint warns on a lead value a template prints unguarded while many leads lack it. */

const unguarded = (source: string) => unguardedLeadValues(Handlebars.parse(source)).map((u) => `${u.line}:${u.name}`);

describe('unguarded lead values in a template', () => {
  it('finds printed values outside a guard, with their line', () => {
    expect(unguarded('Hi {{lead.firstName}},\n{{lead.company}} and {{sender.name}}')).toEqual(['1:lead.firstName', '2:lead.company']);
    expect(unguarded('{{{lead.attributes.plan}}}\n\n{{@root.lead.jobTitle}}')).toEqual(['1:lead.attributes.plan', '3:lead.jobTitle']);
  });

  it('takes {{default}}, and an if, unless or with on the same value (both branches), as guards', () => {
    expect(unguarded('{{default lead.firstName "there"}} {{#if lead.company}}at {{lead.company}}{{else}}{{lead.company}}{{/if}}')).toEqual([]);
    expect(unguarded('{{#unless lead.industry}}x{{else}}{{lead.industry}}{{/unless}}{{#with lead.company}}{{this}}{{/with}}')).toEqual([]);
  });

  it('does not take a guard on another value, and sees values passed to other helpers', () => {
    expect(unguarded('{{#if lead.company}}{{lead.firstName}}{{/if}}')).toEqual(['1:lead.firstName']);
    expect(unguarded('{{lookup lead.attributes "plan"}} {{default (lookup lead "company") "x"}}')).toEqual(['1:lead.attributes']);
    // {{track}} takes a URL, and {{#each}} changes the context.
    expect(unguarded('{{track "https://x.example"}}{{#each lead.attributes}}{{this}}{{/each}}')).toEqual([]);
  });
});

describe('lint on the current leads', () => {
  const workspace = leadsWorkspaces();

  it('warns on an unguarded value empty for more than lint.emptyShare of the leads, naming template and line', async () => {
    const ws = await workspace();
    // Three more leads with no job title; every lead has a company and an industry.
    ws.write(
      'more.csv',
      ['email,company,industry,country', 'gil@oak.example,Oak,SaaS,US', 'hal@oak.example,Oak,SaaS,US', 'ivy@oak.example,Oak,SaaS,US'].join('\n'),
    );
    expect((await ws.cli('leads', 'import', 'more.csv')).status).toBe(0);
    ws.write(
      'templates/title-note.hbs',
      ['---', 'subject: "A note for {{lead.jobTitle}}s"', '---', '<p>{{> greeting}}</p>', '<p>At {{lead.company}} in {{lead.industry}}, as {{lead.jobTitle}}.</p>', '<p>{{default lead.jobTitle "you"}}</p>'].join('\n'),
    );
    const lint = await ws.cli('lint');
    expect(lint.status, lint.stderr).toBe(0);
    const warnings = lint.stdout.split('\n').filter((l) => l.includes('is empty for'));
    // dan@ is unsubscribed (suppressed): the current leads are the other eight, three of them without a title.
    const message = '{{lead.jobTitle}} is empty for 38% of the current leads (3 of 8, over lint.emptyShare 20%) and not guarded: write {{default lead.jobTitle "…"}} or wrap it in {{#if lead.jobTitle}}';
    expect(warnings).toEqual([`  templates/title-note.hbs:2: ${message}`, `  templates/title-note.hbs:5: ${message}`]);

    ws.edit('nurture.yaml', /^consent: /m, 'lint: { emptyShare: 0.4 }\nconsent: ');
    expect((await ws.cli('lint')).stdout).not.toContain('is empty for');
  });
});
