// The user's settings under `slipway`, read with workspace/configuration; initializationOptions
// stand in for clients that do not answer it.

import { isRecord } from '../kube/objects';

export interface HintSettings {
  imageTag: boolean;
  resources: boolean;
  readinessProbe: boolean;
}

export interface Settings {
  hints: HintSettings;
}

export const DEFAULT_SETTINGS: Settings = { hints: { imageTag: true, resources: true, readinessProbe: true } };

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

/** Settings from a `slipway` section ({ hints: { imageTag, ... } }), or from flat dotted keys. */
export function readSettings(section: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  if (!isRecord(section)) return base;
  const inner = isRecord(section.slipway) ? section.slipway : section;
  const hints = isRecord(inner.hints) ? inner.hints : {};
  const flat = (k: string) => inner[`hints.${k}`];
  return {
    hints: {
      imageTag: bool(hints.imageTag ?? flat('imageTag'), base.hints.imageTag),
      resources: bool(hints.resources ?? flat('resources'), base.hints.resources),
      readinessProbe: bool(hints.readinessProbe ?? flat('readinessProbe'), base.hints.readinessProbe),
    },
  };
}

export function sameSettings(a: Settings, b: Settings): boolean {
  return (
    a.hints.imageTag === b.hints.imageTag &&
    a.hints.resources === b.hints.resources &&
    a.hints.readinessProbe === b.hints.readinessProbe
  );
}
