// The two servers compared: Slipway's and yaml-language-server, the latter offline with the same
// Kubernetes definitions (see kubernetesJsonSchema.ts) for every .yaml file.
import * as fs from 'fs';
import * as path from 'path';
import { ServerCommand } from './languageServerSession';

const REPO = path.resolve(__dirname, '../../..');
export const SLIPWAY_MAIN = path.join(REPO, 'out/server/main.js');
const YAML_LANGUAGE_SERVER = path.join(REPO, 'node_modules/yaml-language-server/bin/yaml-language-server');

/** Node flags for a CPU profile written into dir when the server exits. */
function profileArgs(cpuProfileDir: string | undefined): string[] {
  return cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
}

export function slipwayServer(cpuProfileDir?: string): ServerCommand {
  if (!fs.existsSync(SLIPWAY_MAIN))
    throw new Error(`${SLIPWAY_MAIN} does not exist: build the language server first (npx tsc -p .)`);
  return {
    name: 'slipway',
    command: process.execPath,
    args: [...profileArgs(cpuProfileDir), SLIPWAY_MAIN, '--stdio'],
    cwd: REPO,
    settings: { slipway: {} },
  };
}

export function yamlLanguageServer(schemaFile: string, cpuProfileDir?: string): ServerCommand {
  return {
    name: 'yaml',
    command: process.execPath,
    args: [...profileArgs(cpuProfileDir), YAML_LANGUAGE_SERVER, '--stdio'],
    cwd: REPO,
    settings: {
      yaml: {
        validate: true,
        hover: true,
        completion: true,
        format: { enable: false },
        schemas: { [schemaFile]: ['*.yaml'] },
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
      },
      http: {},
      editor: { tabSize: 2, insertSpaces: true },
    },
  };
}
