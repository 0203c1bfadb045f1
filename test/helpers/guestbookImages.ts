// Stand-ins for the guestbook sample's public images, for machines that cannot pull them: for each image the
// sample's Deployments name, a busybox image built here that serves HTTP (busybox httpd) on every containerPort the
// sample declares for it, with a page naming the image it stands in for, tagged under the sample's image name so
// that imagePullPolicy IfNotPresent finds it. That is what the sample's probes (httpGet /, tcpSocket) and its
// Ingress expect of them; it is not the app (the frontend does not talk to Redis).
import type { Deployment } from 'kubernetes-types/apps/v1';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Engine } from '../../cluster/runtime/container/engine';
import { normalizedImage, parseImage } from '../../cluster/runtime/imageRef';
import { ensureShellImage } from './containerEngine';
import { SAMPLE_DIR } from './testCluster';

export interface GuestbookStandIns {
  /** the sample's image references, each tagged on a stand-in */
  images: string[];
  /** the text each stand-in's page holds */
  marker(image: string): string;
  /** takes the sample's names off the stand-ins again */
  untag(): Promise<void>;
}

/** image → the container ports the sample declares for it */
function sampleImages(): Map<string, number[]> {
  const images = new Map<string, number[]>();
  for (const file of fs.readdirSync(SAMPLE_DIR).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(SAMPLE_DIR, file), 'utf8'))) {
      const obj = doc.toJS() as Deployment | null;
      if (obj?.kind !== 'Deployment') continue;
      for (const c of obj.spec?.template.spec?.containers ?? [])
        images.set(c.image!, [...(images.get(c.image!) ?? []), ...(c.ports ?? []).map((p) => p.containerPort)]);
    }
  }
  return images;
}

const STAND_IN = 'localhost/slipway-test-guestbook';

const marker = (image: string) => `slipway stand-in for ${image}`;

/**
 * Builds and tags the stand-ins; undefined when an image of a sample's name is already there (a real one, which
 * is not replaced).
 */
export async function tagGuestbookStandIns(engine: Engine): Promise<GuestbookStandIns | undefined> {
  const docker = engine.docker;
  const tagged: string[] = [];
  const images = sampleImages();
  // a real image of a sample's name stays (nothing is tagged); a stand-in an interrupted run left is taken again
  for (const image of images.keys()) {
    const existing = await docker
      .getImage(normalizedImage(parseImage(image)!))
      .inspect()
      .catch(() => undefined);
    if (existing && !existing.RepoTags?.some((t) => t.startsWith(`${STAND_IN}:`))) return undefined;
  }
  for (const [image, ports] of images) {
    const full = normalizedImage(parseImage(image)!);
    const servers = ports.map((p, i) => `httpd ${i === ports.length - 1 ? '-f ' : ''}-p ${p} -h /www`);
    const standIn = await ensureShellImage(
      engine,
      // named for what it serves, so a changed sample gets a new stand-in
      `${STAND_IN}:${createHash('sha256').update(`${image} ${ports}`).digest('hex').slice(0, 12)}`,
      (root) => {
        fs.mkdirSync(path.join(root, 'www'));
        fs.writeFileSync(path.join(root, 'www/index.html'), `<h1>${marker(image)}</h1>\n`);
      },
      [`CMD ["sh", "-c", ${JSON.stringify(servers.join('; '))}]`],
    );
    const colon = full.lastIndexOf(':');
    await docker.getImage(standIn).tag({ repo: full.slice(0, colon), tag: full.slice(colon + 1) });
    tagged.push(full);
  }
  return {
    images: [...images.keys()],
    marker,
    async untag() {
      for (const ref of tagged)
        await docker
          .getImage(ref)
          .remove()
          .catch(() => undefined);
    },
  };
}
