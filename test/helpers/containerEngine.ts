// The container engine for the container-runtime tests, found as a user's would be (DOCKER_HOST, else the usual
// sockets), and the small images they run, built offline from busybox-static: no image is downloaded.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Context } from 'mocha';
import { findEngine, Engine } from '../../cluster/runtime/container/engine';
import { importImage } from '../../cluster/runtime/container/imageImport';
import { LABEL } from '../../cluster/runtime/container/labels';
import type { ClusterOptions } from '../../cluster/embeddedCluster';
import { startTestCluster, tempDir, type TestCluster } from './testCluster';

export const SHELL_IMAGE = 'localhost/slipway-test-shell:3';
const BUSYBOX = '/bin/busybox';

/**
 * The engine, or a skipped suite with the reason when none answers; with SLIPWAY_CONTAINER_TESTS=1 (CI) a missing
 * engine fails instead.
 */
export async function engineOrSkip(ctx: Context): Promise<Engine> {
  try {
    return await findEngine();
  } catch (e) {
    if (process.env.SLIPWAY_CONTAINER_TESTS === '1') throw e;
    const tried = (e as Error).message.split('\n').filter((l) => l.startsWith('  '));
    console.log(
      `    skipped: no container engine answered (tried ${tried.map((l) => l.trim()).join('; ')}); ` +
        'set DOCKER_HOST or run .ci/install-containers',
    );
    ctx.skip();
  }
}

/**
 * A shell image (sh, sleep, httpd, wget...) from the machine's busybox-static, imported once; another image of it
 * with what addFiles puts in its root and the import's changes (`CMD [...]`) after `ENV PATH=/bin`.
 */
export async function ensureShellImage(
  engine: Engine,
  image = SHELL_IMAGE,
  addFiles?: (root: string) => void,
  changes: string[] = [],
): Promise<string> {
  const docker = engine.docker;
  if (
    await docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return image;
  assert.ok(fs.existsSync(BUSYBOX), `${BUSYBOX} is missing: install busybox-static (apt-get install busybox-static)`);
  const root = tempDir('slipway-shell-image-');
  addFiles?.(root);
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
  fs.copyFileSync(BUSYBOX, path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  // tar: kubectl cp runs it in the container; stty: terminal sizes
  const tools = 'sh sleep echo cat ls httpd wget env true false head dd tar tty stty'.split(' ');
  for (const tool of tools) fs.symlinkSync('busybox', path.join(root, 'bin', tool));
  const tar = execFileSync('tar', ['-C', root, '-cf', '-', '.'], { maxBuffer: 512 << 20 });
  fs.rmSync(root, { recursive: true, force: true });
  await importImage(docker, tar, image, ['ENV PATH=/bin', ...changes]);
  return image;
}

export const RESOLVER_IMAGE = 'localhost/slipway-test-resolver:1';
const GETENT = '/usr/bin/getent';

/**
 * The shell image plus the machine's getent with the C library it links: names resolved as programs resolve them
 * (`getent hosts NAME`, with resolv.conf's search domains and ndots), which busybox's own resolver does not do.
 */
export async function ensureResolverImage(engine: Engine): Promise<string> {
  return ensureShellImage(engine, RESOLVER_IMAGE, (root) => {
    assert.ok(fs.existsSync(GETENT), `${GETENT} is missing: install libc-bin`);
    const ldd = execFileSync('ldd', [GETENT], { encoding: 'utf8' });
    const libs = [...ldd.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]);
    for (const file of [GETENT, ...libs]) {
      fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      fs.copyFileSync(fs.realpathSync(file), path.join(root, file));
      fs.chmodSync(path.join(root, file), 0o755);
    }
  });
}

export const NODE_IMAGE = 'localhost/slipway-test-node:1';

/**
 * The shell image plus the machine's node binary and the shared libraries it loads: pods that run a Node script
 * (servers, and clients whose names resolve through the C library, with resolv.conf's search domains and ndots).
 */
export async function ensureNodeImage(engine: Engine): Promise<string> {
  return ensureShellImage(engine, NODE_IMAGE, (root) => {
    const node = fs.realpathSync(process.execPath);
    const libs = execFileSync('ldd', [node], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
      .filter((l): l is string => !!l);
    for (const file of [node, ...libs]) {
      const to = path.join(root, file);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(fs.realpathSync(file), to);
      fs.chmodSync(to, 0o755);
    }
    if (node !== '/usr/bin/node') {
      fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
      fs.symlinkSync(node, path.join(root, 'usr/bin/node'));
    }
  });
}

/** Removes an image the tests made, under every name it has. */
export async function removeImage(engine: Engine, ref: string): Promise<void> {
  const info = await engine.docker.getImage(ref).inspect();
  await engine.docker.getImage(info.Id).remove({ force: true });
}

/** The engine's containers of one cluster (by its state folder's label), with their pod and container names. */
export async function clusterContainers(
  engine: Engine,
  cluster: string,
): Promise<{ id: string; pod: string; container: string; running: boolean }[]> {
  const list = await engine.docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${cluster}`] } });
  return list.map((c) => ({
    id: c.Id,
    pod: `${c.Labels[LABEL.podNamespace]}/${c.Labels[LABEL.podName]}`,
    container: c.Labels[LABEL.container] ?? 'POD',
    running: c.State === 'running',
  }));
}

/** A suite's embedded cluster on the engine (one node, cluster time 10x unless told), with the shell image. */
export interface ContainerCluster {
  engine: Engine;
  t: TestCluster;
}

/**
 * Registers the suite's before/after hooks: the engine (or the suite skipped, as engineOrSkip), the shell image
 * and a cluster whose pods run on the engine; the fields are set once `before` has run.
 */
export function useContainerCluster(options: Partial<ClusterOptions> = {}): ContainerCluster {
  const c = {} as ContainerCluster;
  before(async function () {
    this.timeout(120_000);
    c.engine = await engineOrSkip(this);
    await ensureShellImage(c.engine);
    c.t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10, ...options });
  });
  after(async () => c.t?.stop());
  return c;
}
