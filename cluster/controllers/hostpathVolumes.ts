// The folders of the built-in hostpath provisioner. They live only in the state folder's volumes/, and
// only a folder this provisioner made may ever be deleted: a PersistentVolume is user input, so its
// hostPath and provisioned-by annotation prove nothing. Each folder holds a marker written when it is
// made (the volume's name, then its UID once the API server assigned one); deletion requires the marker
// and a real path (symlinks resolved) that is exactly volumes/<volume name>.
import * as fs from 'fs';
import * as path from 'path';

const MARKER = '.slipway-volume.json';

interface Marker {
  volume: string;
  uid?: string;
}

export class HostpathVolumes {
  constructor(readonly root: string) {}

  /** Why a class's parameters.path cannot be used, or undefined when it names the volumes folder (or is unset). */
  refuseClassPath(param: unknown): string | undefined {
    if (param === undefined || param === '') return undefined;
    if (typeof param === 'string' && path.resolve(param) === path.resolve(this.root)) return undefined;
    return `parameter "path" must be unset or ${this.root}: hostpath volumes live only in the state folder's volumes/`;
  }

  /** The folder of a volume to be provisioned; created with its marker (which names the volume). */
  create(volumeName: string): string {
    const folder = this.folderOf(volumeName);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!this.readMarker(folder)) this.writeMarker(folder, { volume: volumeName });
    return folder;
  }

  /** Records the UID of the volume object made for a folder, so only that object can delete it. */
  adopt(volumeName: string, uid: string, hostPath: unknown): void {
    const folder = this.folderOf(volumeName);
    if (hostPath !== folder) return;
    const marker = this.readMarker(folder);
    if (marker && marker.volume === volumeName && !marker.uid) this.writeMarker(folder, { volume: volumeName, uid });
  }

  /**
   * Deletes the folder of a provisioned volume. Returns why it refused, leaving everything in place, when the
   * folder is not one this provisioner made for this volume.
   */
  remove(volume: { name: string; uid: string; hostPath: unknown }): string | undefined {
    const { name, uid, hostPath } = volume;
    if (typeof hostPath !== 'string' || !path.isAbsolute(hostPath)) return 'spec.hostPath.path is not an absolute path';
    let real: string;
    try {
      real = fs.realpathSync(hostPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // nothing left to delete
      return `cannot resolve ${hostPath}: ${(e as Error).message}`;
    }
    const root = fs.existsSync(this.root) ? fs.realpathSync(this.root) : path.resolve(this.root);
    if (real !== path.join(root, name)) {
      return `${hostPath} is not the folder ${path.join(this.root, name)} that the provisioner made for this volume`;
    }
    const marker = this.readMarker(real);
    if (!marker || marker.volume !== name || (marker.uid !== undefined && marker.uid !== uid)) {
      return `${hostPath} has no provisioner marker for this volume (${MARKER})`;
    }
    fs.rmSync(real, { recursive: true, force: true });
    return undefined;
  }

  private folderOf(volumeName: string): string {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(volumeName) || volumeName.includes('..')) {
      throw new Error(`invalid volume name ${volumeName}`);
    }
    return path.join(this.root, volumeName);
  }

  private readMarker(folder: string): Marker | undefined {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(folder, MARKER), 'utf8')) as Partial<Marker>;
      const valid = typeof m.volume === 'string' && (m.uid === undefined || typeof m.uid === 'string');
      return valid ? (m as Marker) : undefined;
    } catch {
      return undefined;
    }
  }

  private writeMarker(folder: string, marker: Marker): void {
    const file = path.join(folder, MARKER);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(marker) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
