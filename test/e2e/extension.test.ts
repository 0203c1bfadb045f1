// The packaged .vsix installed into a real VS Code (code-server 4.100.3) in headless Chromium: it activates, the
// language server validates and completes manifests, and the Slipway container shows its views.
import * as assert from 'assert';
import { useVsCode } from './helpers/vscodeSession';
import { BAD_REPLICAS_DEPLOYMENT } from '../helpers/manifests';

describe('the packaged extension in VS Code', function () {
  const vs = useVsCode({ files: { 'deploy/web.yaml': BAD_REPLICAS_DEPLOYMENT } });

  it('validates a manifest on open (squiggle, Problems on the right line) and completes its keys', async function () {
    this.timeout(120_000);
    const wb = vs.workbench;
    await wb.openFile('deploy/web.yaml');
    await vs.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    const counts = await wb.waitForProblems((c) => c.errors > 0);
    assert.strictEqual(counts.errors, 1, `one schema error, got ${JSON.stringify(counts)}`);
    const errors = (await wb.problemRows()).filter((r) => r.startsWith('Error'));
    assert.strictEqual(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /replicas/);
    assert.match(errors[0], /at line 6 and character \d+/);
    assert.match(errors[0], /slipway/);
    await wb.screenshot('manifest-diagnostics');

    // a new key under metadata: the server offers metadata's fields (word suggestions would say "Text")
    await wb.goToLine(4);
    await vs.page.keyboard.press('End');
    await vs.page.keyboard.press('Enter');
    const items = await wb.completionItems();
    const properties = items.filter((i) => /Property/.test(i));
    assert.ok(
      properties.some((i) => /^labels\b/.test(i)),
      `metadata's "labels" among the Property items: ${items.join(' | ')}`,
    );
    await wb.screenshot('manifest-completion');
    await vs.page.keyboard.press('Escape');
  });

  it('shows the Slipway container with its views and, unconnected, the buttons to connect', async function () {
    this.timeout(60_000);
    const wb = vs.workbench;
    await wb.openContainer('Slipway');
    assert.deepStrictEqual(await wb.viewNames(), ['Applications', 'History', 'Cluster']);
    const connect = ['Start the embedded cluster', 'Choose a kubeconfig context'];
    assert.deepStrictEqual(await wb.welcomeButtons('Applications'), connect);
    assert.deepStrictEqual(await wb.welcomeButtons('Cluster'), connect);
    await wb.screenshot('sidebar', vs.page.locator('.part.sidebar'));
    await wb.screenshot('window');
  });
});
