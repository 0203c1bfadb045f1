// Whether the end-to-end tests run, and with which code-server and Chromium. SLIPWAY_E2E=1 (set by .ci/run)
// makes them mandatory: a missing tool is then a failure, not a skip. Without it they skip, saying how to run them.
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export interface E2eTools {
  codeServer: string;
  chromium: string;
}

/** The tools, or the reason the e2e tests skip; throws when SLIPWAY_E2E=1 and a tool is missing. */
export function e2eTools(): E2eTools | { skip: string } {
  const codeServer = process.env.SLIPWAY_CODE_SERVER || path.join(REPO_ROOT, '.e2e/node_modules/.bin/code-server');
  const chromium = process.env.SLIPWAY_CHROMIUM || '/usr/bin/chromium';
  if (process.env.SLIPWAY_E2E !== '1') {
    return {
      skip:
        'end-to-end tests of the extension skipped: run .ci/install-e2e (code-server and Chromium), ' +
        'then SLIPWAY_E2E=1 npm test',
    };
  }
  const missing = [codeServer, chromium].filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new Error(`SLIPWAY_E2E=1 but ${missing.join(' and ')} not found: run .ci/install-e2e first`);
  }
  return { codeServer, chromium };
}
