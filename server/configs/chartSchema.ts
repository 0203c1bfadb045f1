// The shape of a Helm chart's Chart.yaml (Helm 3), as an OpenAPI schema the editor validates, completes
// and describes it by.

import type { SchemaObject } from '../../kube/schemas';

const str = (description: string): SchemaObject => ({ type: 'string', description });
const strings = (description: string): SchemaObject => ({ type: 'array', items: { type: 'string' }, description });
/** A version Helm reads as text though YAML may read `1.0` as a number. */
const version = (description: string): SchemaObject => ({ description });

export const CHART_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A Helm chart: its name, version and dependencies.',
  required: ['apiVersion', 'name', 'version'],
  properties: {
    apiVersion: { type: 'string', enum: ['v1', 'v2'], description: 'The chart API version: v2 for Helm 3.' },
    name: str('The name of the chart.'),
    version: version('The version of the chart, as SemVer 2.'),
    kubeVersion: str('The Kubernetes versions the chart supports (a SemVer range).'),
    description: str('A one-sentence description of the chart.'),
    type: { type: 'string', enum: ['application', 'library'], description: 'application (default) or library.' },
    keywords: strings('Keywords about the chart.'),
    home: str("The URL of the project's home page."),
    sources: strings("URLs of the project's source code."),
    dependencies: {
      type: 'array',
      description: 'The charts this chart depends on.',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str('The name of the chart.'),
          version: version('The version (or SemVer range) of the chart.'),
          repository: str('The repository URL or alias (`@name`).'),
          condition: str('A values path (e.g. subchart.enabled) that enables the chart.'),
          tags: strings('Tags whose values enable the chart.'),
          'import-values': { type: 'array', description: 'Values imported from the child chart.' },
          alias: str('Another name for the chart.'),
        },
      },
    },
    maintainers: {
      type: 'array',
      description: 'The maintainers of the chart.',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str("The maintainer's name."),
          email: str("The maintainer's email."),
          url: str("The maintainer's URL."),
        },
      },
    },
    icon: str('The URL of an SVG or PNG icon.'),
    appVersion: version('The version of the application the chart installs.'),
    deprecated: { type: 'boolean', description: 'Whether the chart is deprecated.' },
    engine: str('Helm 2: the template engine (gotpl).'),
    tillerVersion: str('Helm 2: the Tiller versions the chart needs.'),
    annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations of the chart.' },
  },
};
