import { z } from 'zod';
import type { ExperimentConfig, ExperimentMetric, Variant } from '../domain/experiments/types.js';
import { GUARDRAILS } from '../domain/experiments/types.js';
import { idSchema, oneOf, strict } from './schema-parts.js';

const templateName = z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: 'expected a template name without .hbs' });

/** `variants: [{ id, template?, subject?, weight? }]` on a step: at least two, ids unique. */
export const variantsSchema = z
  .array(
    strict({
      id: idSchema,
      template: templateName.optional(),
      subject: z.string().min(1, { error: 'expected a subject line' }).optional(),
      weight: z.number().positive({ error: 'expected a positive weight, e.g. 1' }).default(1),
    }),
  )
  .min(2, { error: 'an experiment needs at least two variants' })
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (seen.has(v.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate variant id "${v.id}"` });
      seen.add(v.id);
    });
  });

const metricSchema = z.string().superRefine((value, ctx) => {
  if (value !== 'click' && value !== 'open' && !/^goal:[a-z0-9][a-z0-9-_]*$/.test(value))
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a metric (expected click, open or goal:<id>, e.g. goal:meeting)` });
});

/** `experiment: { mode, metric, alpha?, minExposure?, guardrails?, autoConclude?, mixingVariance? }`. */
export const experimentSchema = strict({
  mode: oneOf(['test', 'bandit'] as const).optional(),
  metric: metricSchema.default('click'),
  alpha: z.number().gt(0, { error: 'expected an error rate between 0 and 0.5, e.g. 0.05' }).max(0.5, { error: 'expected an error rate between 0 and 0.5, e.g. 0.05' }).default(0.05),
  minExposure: z.number().int().min(1, { error: 'expected a whole number of sends, e.g. 100' }).default(100),
  guardrails: z.array(oneOf(GUARDRAILS)).default([...GUARDRAILS]),
  autoConclude: z.boolean().default(false),
  mixingVariance: z.number().positive({ error: 'expected a positive variance, e.g. 0.001' }).default(0.001),
});

export type VariantsFile = z.infer<typeof variantsSchema>;
export type ExperimentFile = z.infer<typeof experimentSchema>;

export function parseMetric(text: string): ExperimentMetric {
  if (text === 'click' || text === 'open') return { kind: text };
  return { kind: 'goal', goal: text.slice('goal:'.length) };
}

export function metricText(metric: ExperimentMetric): string {
  return metric.kind === 'goal' ? `goal:${metric.goal}` : metric.kind;
}

/** The domain experiment of a step: `mode` on the step (DESIGN.md's short form) or in `experiment`, test by default. */
export function experimentOf(step: { mode?: 'test' | 'bandit'; experiment?: ExperimentFile }): ExperimentConfig {
  const e = step.experiment ?? experimentSchema.parse({});
  return {
    mode: e.mode ?? step.mode ?? 'test',
    metric: parseMetric(e.metric),
    alpha: e.alpha,
    minExposure: e.minExposure,
    guardrails: e.guardrails,
    autoConclude: e.autoConclude,
    mixingVariance: e.mixingVariance,
  };
}

export function variantsOf(variants: VariantsFile): Variant[] {
  return variants.map((v) => ({ id: v.id, weight: v.weight, ...(v.template ? { template: v.template } : {}), ...(v.subject ? { subject: v.subject } : {}) }));
}

/**
 * What the schema cannot see: variant templates that exist, a goal metric that names a goal,
 * experiment keys without variants, and variants beside content-by-segment (one step picks its
 * template one way).
 */
export function checkStepExperiments(
  steps: readonly { variants?: VariantsFile; experiment?: ExperimentFile; mode?: string; content?: unknown }[],
  templates: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  goals: readonly string[],
  at: (path: (string | number)[], message: string) => void,
): void {
  steps.forEach((step, i) => {
    if (!step.variants) {
      if (step.experiment) at(['steps', i, 'experiment'], 'an experiment needs variants on the step (variants: [{ id: a }, { id: b, subject: ... }])');
      else if (step.mode) at(['steps', i, 'mode'], 'mode needs variants on the step');
      return;
    }
    if (step.content) at(['steps', i, 'variants'], 'a step picks its template either by content (segments) or by variants, not both');
    step.variants.forEach((v, j) => {
      if (v.template && !templates.has(v.template))
        at(['steps', i, 'variants', j, 'template'], `template "${v.template}" not found (expected templates/${v.template}.hbs)`);
    });
    const metric = step.experiment?.metric;
    if (metric?.startsWith('goal:') && !goals.includes(metric.slice(5)))
      at(['steps', i, 'experiment', 'metric'], `goal "${metric.slice(5)}" not found (goals in nurture.yaml: ${goals.join(', ') || 'none'})`);
  });
}
