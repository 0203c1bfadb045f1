// Imports a root file system (a tar) into the engine as an image: the Docker API's import, then a tag, as Podman
// ignores the import's tag and names the image "latest".
import type Docker from 'dockerode';
import { Readable } from 'stream';

/** ref "localhost/name:tag"; changes as `docker import --change` ("ENTRYPOINT [...]") */
export async function importImage(docker: Docker, tar: Buffer, ref: string, changes: string[]): Promise<void> {
  const colon = ref.lastIndexOf(':');
  const [repo, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  const stream = await docker.importImage(Readable.from([tar]), { repo, tag, changes });
  const out = await new Promise<{ status?: string; error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: { status?: string; error?: string }[]) =>
      err ? reject(err) : resolve(res ?? []),
    ),
  );
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`importing ${ref}: ${failed.error}`);
  const id = [...out].reverse().find((o) => /^sha256:[0-9a-f]+$/.test(o.status ?? ''))?.status;
  if (id) await docker.getImage(id).tag({ repo, tag });
}
