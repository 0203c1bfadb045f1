// Slipway's own state as a Kubernetes object: the Application (slipway.dev/v1alpha1). The embedded cluster
// registers its CustomResourceDefinition at start and `slipway install` applies the same one to a real cluster,
// so kubectl, the CLI and the editor read and change an application the same way.
import type { ObjectMeta } from './objects';

export const APPLICATION_GROUP = 'slipway.dev';
export const APPLICATION_VERSION = 'v1alpha1';
export const APPLICATION_API_VERSION = `${APPLICATION_GROUP}/${APPLICATION_VERSION}`;
export const APPLICATION_KIND = 'Application';
export const APPLICATION_PLURAL = 'applications';
export const APPLICATION_CRD_NAME = `${APPLICATION_PLURAL}.${APPLICATION_GROUP}`;

/** Label every applied resource carries: the Application's name, so an app's objects are listed by selector. */
export const APP_LABEL = 'slipway.dev/app';
/**
 * Annotation naming the owning Application and the object itself, `<appNamespace>/<app>:<group>/<kind>:<namespace>/
 * <name>` (as Argo CD's argocd.argoproj.io/tracking-id): a copy of the object under another name is not taken for it.
 */
export const TRACKING_ID_ANNOTATION = 'slipway.dev/tracking-id';
/** What earlier versions of Slipway tracked with: still recognised, replaced on the next sync (the label is yours). */
export const LEGACY_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const LEGACY_TRACKING_ANNOTATION = 'slipway.dev/application';
export const SYNC_WAVE_ANNOTATIONS = ['slipway.dev/sync-wave', 'argocd.argoproj.io/sync-wave'];
/** Per-resource sync options, comma-separated (`Prune=false`, `Replace=true`, ...: syncer/syncOptions.ts). */
export const SYNC_OPTIONS_ANNOTATIONS = ['slipway.dev/sync-options', 'argocd.argoproj.io/sync-options'];
/** `IgnoreExtraneous`: a live object git does not have never makes the app OutOfSync. */
export const COMPARE_OPTIONS_ANNOTATIONS = ['slipway.dev/compare-options', 'argocd.argoproj.io/compare-options'];
/** Resource hooks: PreSync, Sync, PostSync, SyncFail or Skip, comma-separated (syncer/hooks/). */
export const HOOK_ANNOTATIONS = ['slipway.dev/hook', 'argocd.argoproj.io/hook'];
/** When a hook's object is deleted: HookSucceeded, HookFailed, BeforeHookCreation (the default). */
export const HOOK_DELETE_POLICY_ANNOTATIONS = [
  'slipway.dev/hook-delete-policy',
  'argocd.argoproj.io/hook-delete-policy',
];
export const FIELD_MANAGER = 'slipway';
/** On each Application the syncer manages: deleting it deletes what it deployed first (as Argo CD's finalizer). */
export const RESOURCES_FINALIZER = 'slipway.dev/resources-finalizer';
export const DEFAULT_HISTORY_LIMIT = 20;

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type OperationPhase = 'Running' | 'Succeeded' | 'Failed';

export interface ApplicationSource {
  /** a local path (work tree or bare repository) or a URL */
  repo: string;
  /** default: the local repository's current branch, or the remote's default branch */
  branch?: string;
  /** folder, or one manifest file, inside the repository; default the root */
  path?: string;
  kustomize?: {
    /** let kustomizations use remote bases (URLs, git addresses), which are then fetched (default false) */
    allowRemoteBases?: boolean;
  };
  /** which files of a folder are read (as Argo CD's source.directory) */
  directory?: {
    /** read the folders under the path too (default false) */
    recurse?: boolean;
    /** a glob or {a,b} list: only matching files */
    include?: string;
    /** a glob or {a,b} list: not these files */
    exclude?: string;
  };
  /** how a folder with Chart.yaml is rendered with `helm template` (as Argo CD's source.helm) */
  helm?: {
    /** default the Application's name */
    releaseName?: string;
    /** relative to the chart folder */
    valueFiles?: string[];
    /** values as a YAML text */
    values?: string;
    /** values as an object; wins over `values` */
    valuesObject?: Record<string, unknown>;
    parameters?: { name: string; value: string; forceString?: boolean }[];
  };
}

export interface SyncPolicy {
  /** sync every new commit without being asked (default true) */
  automated?: boolean;
  /** delete resources that left git (default true) */
  prune?: boolean;
  /** revert live changes to fields git sets (default false) */
  selfHeal?: boolean;
  /** when a sync leaves the app Degraded, go back to the last Healthy history entry (default false) */
  autoRollback?: boolean;
  /** leave the deployed resources in the cluster when the Application is deleted (default false: delete them) */
  preserveResourcesOnDeletion?: boolean;
  /** Argo CD's sync options for every resource (`Prune=false`, `Replace=true`, ...); a resource's annotation wins */
  syncOptions?: string[];
}

/** A request written by the CLI, kubectl or the editor; the syncer carries it out and clears it. */
export interface ApplicationOperation {
  sync?: { revision?: string };
  rollback?: { id: number; git?: boolean };
  resume?: Record<string, never>;
  refresh?: Record<string, never>;
  /** who asked, for the history entry */
  initiatedBy?: string;
  /** echoed as status.operationState.requestId once carried out, so the asker knows its request is done */
  id?: string;
}

/** Fields of chosen resources left out of comparisons (as Argo CD's spec.ignoreDifferences entries). */
export interface IgnoreDifferencesRule {
  /** API group ('' for the core group); '*' or absent: any */
  group?: string;
  /** '*' or absent: any */
  kind?: string;
  name?: string;
  namespace?: string;
  /** RFC 6901 pointers: /spec/replicas */
  jsonPointers?: string[];
  /** jq path expressions: .spec.template.spec.containers[] | select(.name == "sidecar") */
  jqPathExpressions?: string[];
  /** fields these field managers own in the live object */
  managedFieldsManagers?: string[];
}

/**
 * Instead of deploying the manifests under source.path, make one child Application per folder directly under it
 * (as Argo CD's ApplicationSet git directory generator); the children are this app's resources.
 */
export interface ApplicationGenerator {
  directories?: Record<string, never>;
}

export interface ApplicationSpec {
  source: ApplicationSource;
  ignoreDifferences?: IgnoreDifferencesRule[];
  destination?: { namespace?: string };
  generator?: ApplicationGenerator;
  syncPolicy?: SyncPolicy;
  historyLimit?: number;
  operation?: ApplicationOperation;
}

export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  wave: number;
  status: SyncStatusCode;
  health?: { status: HealthStatusCode; message?: string };
  /** file and line the manifest came from */
  source?: string;
}

export interface ManifestErrorStatus {
  file: string;
  line: number;
  field?: string;
  message: string;
}

export interface ApplicationCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message: string;
  lastTransitionTime: string;
  errors?: ManifestErrorStatus[];
}

export interface HistoryEntry {
  id: number;
  revision: string;
  subject: string;
  author: string;
  startedAt: string;
  finishedAt?: string;
  result: OperationPhase;
  health?: HealthStatusCode;
  /** commit (a new revision), sync (asked for), rollback, autoRollback, selfHeal */
  trigger: string;
  message?: string;
  /** automatic retries of this attempt (each updates the entry in place rather than adding one) */
  retries?: number;
  /** the resource hooks this sync ran, and how each ended */
  hooks?: HookResult[];
}

export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
export type HookPhase = 'Running' | 'Succeeded' | 'Failed';

/** One hook of a sync, as Argo CD's syncResult.resources reports it. */
export interface HookResult {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  /** the object's name (the generated one for a generateName manifest) */
  name: string;
  hookType: HookType;
  hookPhase: HookPhase;
  /** the sync phase it ran in (its hookType) */
  syncPhase: HookType;
  message?: string;
}

export interface ApplicationStatus {
  observedGeneration?: number;
  /** message: why it is OutOfSync when every resource matches (pinned while the branch moved on) */
  sync?: { status: SyncStatusCode; revision?: string; shortRevision?: string; message?: string };
  health?: { status: HealthStatusCode; message?: string };
  /** "On", "Off" or "Paused: pinned to #N (slipway resume)" — shown as a column so a pause cannot be missed */
  autoSync?: string;
  /** set by a rollback: automated sync stays off until `slipway resume` */
  pinned?: { id: number; revision: string; reason: string; since: string };
  resources?: ResourceStatus[];
  operationState?: {
    operation: string;
    phase: OperationPhase;
    message?: string;
    startedAt: string;
    finishedAt?: string;
    revision?: string;
    requestId?: string;
    /** when a failed sync is tried again (back-off: 5 s doubling up to 3 min; a new commit resets it) */
    nextRetryAt?: string;
    /** what the sync did beyond applying: the hooks it ran */
    syncResult?: { revision: string; resources: HookResult[] };
  };
  conditions?: ApplicationCondition[];
  history?: HistoryEntry[];
  /** the last revision every manifest of which passed validation and was applied */
  lastGoodRevision?: string;
  /** the source and destination namespace the last sync deployed: another one syncs again, at the same revision */
  lastSyncedSpec?: { source: ApplicationSource; destination: string };
  reconciledAt?: string;
}

export interface Application {
  apiVersion: typeof APPLICATION_API_VERSION;
  kind: typeof APPLICATION_KIND;
  metadata: ObjectMeta & { name: string };
  spec: ApplicationSpec;
  status?: ApplicationStatus;
}

export function syncPolicyOf(app: { spec?: ApplicationSpec }): Required<SyncPolicy> {
  const p = app.spec?.syncPolicy ?? {};
  return {
    automated: p.automated ?? true,
    prune: p.prune ?? true,
    selfHeal: p.selfHeal ?? false,
    autoRollback: p.autoRollback ?? false,
    preserveResourcesOnDeletion: p.preserveResourcesOnDeletion ?? false,
    syncOptions: p.syncOptions ?? [],
  };
}

const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const health = { type: 'object', properties: { status: str, message: str } };
const hookResult = {
  type: 'object',
  properties: {
    group: str,
    version: str,
    kind: str,
    namespace: str,
    name: str,
    hookType: str,
    hookPhase: str,
    syncPhase: str,
    message: str,
  },
};

const applicationSchema = {
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['source'],
      properties: {
        source: {
          type: 'object',
          required: ['repo'],
          properties: {
            repo: {
              type: 'string',
              minLength: 1,
              description: 'A local path (work tree or bare repository) or a git URL.',
            },
            branch: {
              type: 'string',
              description: "Branch to follow; default the repository's current or default branch.",
            },
            path: {
              type: 'string',
              description:
                'Folder inside the repository holding the manifests, or one manifest file; default the root.',
            },
            kustomize: {
              type: 'object',
              properties: {
                allowRemoteBases: {
                  type: 'boolean',
                  description:
                    'Let kustomizations use remote bases (URLs, git addresses), fetched when rendering (default false: only paths inside the repository).',
                },
              },
            },
            directory: {
              type: 'object',
              description: 'Which files of a folder are read (a kustomization or chart folder is rendered whole).',
              properties: {
                recurse: { type: 'boolean', description: 'Read the folders under the path too (default false).' },
                include: { type: 'string', description: 'A glob or {a,b} list: only matching files are read.' },
                exclude: { type: 'string', description: 'A glob or {a,b} list: matching files are not read.' },
              },
            },
            helm: {
              type: 'object',
              description: 'How a folder with Chart.yaml is rendered with `helm template` (helm must be on the PATH).',
              properties: {
                releaseName: { type: 'string', description: "Release name (default the Application's name)." },
                valueFiles: {
                  type: 'array',
                  items: str,
                  description: 'Values files, relative to the chart folder, inside the repository.',
                },
                values: { type: 'string', description: 'Values as a YAML text.' },
                valuesObject: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                  description: 'Values as an object (wins over values).',
                },
                parameters: {
                  type: 'array',
                  description: 'Values set one by one (helm --set, or --set-string with forceString).',
                  items: {
                    type: 'object',
                    required: ['name'],
                    properties: { name: str, value: str, forceString: bool },
                  },
                },
              },
            },
          },
        },
        destination: {
          type: 'object',
          properties: {
            namespace: { type: 'string', description: 'Namespace for namespaced manifests that name none.' },
          },
        },
        generator: {
          type: 'object',
          properties: {
            directories: {
              type: 'object',
              description:
                'Make one Application per folder directly under source.path (named after the folder, deploying it ' +
                'into the namespace of that name, with this syncPolicy) instead of deploying the manifests there.',
            },
          },
        },
        syncPolicy: {
          type: 'object',
          properties: {
            automated: { type: 'boolean', description: 'Sync every new commit (default true).' },
            prune: { type: 'boolean', description: 'Delete resources removed from git (default true).' },
            selfHeal: { type: 'boolean', description: 'Revert live changes to fields git sets (default false).' },
            autoRollback: {
              type: 'boolean',
              description: 'Roll back to the last Healthy entry when a sync leaves the app Degraded (default false).',
            },
            preserveResourcesOnDeletion: {
              type: 'boolean',
              description: 'Keep the deployed resources when the Application is deleted (default false: delete them).',
            },
            syncOptions: {
              type: 'array',
              items: str,
              description:
                'Sync options for every resource, as Argo CD: Prune=false, Delete=false, Replace=true, PruneLast=true, PrunePropagationPolicy=background|foreground|orphan, ... (a resource annotation wins).',
            },
          },
        },
        ignoreDifferences: {
          type: 'array',
          description: 'Fields left out of comparisons: they never make the app OutOfSync and self-heal keeps them.',
          items: {
            type: 'object',
            properties: {
              group: str,
              kind: str,
              name: str,
              namespace: str,
              jsonPointers: { type: 'array', items: str },
              jqPathExpressions: { type: 'array', items: str },
              managedFieldsManagers: { type: 'array', items: str },
            },
          },
        },
        historyLimit: { type: 'integer', minimum: 1, description: 'History entries kept in status (default 20).' },
        operation: {
          type: 'object',
          description: 'A request the syncer carries out and then clears: sync, rollback, resume or refresh.',
          properties: {
            sync: { type: 'object', properties: { revision: str } },
            rollback: { type: 'object', required: ['id'], properties: { id: int, git: bool } },
            resume: { type: 'object' },
            refresh: { type: 'object' },
            initiatedBy: str,
            id: str,
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        observedGeneration: int,
        sync: { type: 'object', properties: { status: str, revision: str, shortRevision: str, message: str } },
        health,
        autoSync: str,
        pinned: { type: 'object', properties: { id: int, revision: str, reason: str, since: str } },
        resources: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              group: str,
              version: str,
              kind: str,
              namespace: str,
              name: str,
              wave: int,
              status: str,
              health,
              source: str,
            },
          },
        },
        operationState: {
          type: 'object',
          properties: {
            operation: str,
            phase: str,
            message: str,
            startedAt: str,
            finishedAt: str,
            revision: str,
            requestId: str,
            nextRetryAt: str,
            syncResult: {
              type: 'object',
              properties: { revision: str, resources: { type: 'array', items: hookResult } },
            },
          },
        },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: str,
              status: str,
              reason: str,
              message: str,
              lastTransitionTime: str,
              errors: {
                type: 'array',
                items: { type: 'object', properties: { file: str, line: int, field: str, message: str } },
              },
            },
          },
        },
        history: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: int,
              revision: str,
              subject: str,
              author: str,
              startedAt: str,
              finishedAt: str,
              result: str,
              health: str,
              trigger: str,
              message: str,
              retries: int,
              hooks: { type: 'array', items: hookResult },
            },
          },
        },
        lastGoodRevision: str,
        lastSyncedSpec: {
          type: 'object',
          properties: {
            // a copy of spec.source as it was synced, checked there
            source: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            destination: str,
          },
        },
        reconciledAt: str,
      },
    },
  },
};

/** The CustomResourceDefinition for Application, as served by the embedded cluster and installed by `slipway install`. */
export const APPLICATION_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: APPLICATION_CRD_NAME },
  spec: {
    group: APPLICATION_GROUP,
    scope: 'Namespaced',
    names: {
      plural: APPLICATION_PLURAL,
      singular: 'application',
      kind: APPLICATION_KIND,
      listKind: 'ApplicationList',
      shortNames: ['app'],
      categories: ['slipway'],
    },
    versions: [
      {
        name: APPLICATION_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: applicationSchema },
        additionalPrinterColumns: [
          { name: 'Sync', type: 'string', jsonPath: '.status.sync.status' },
          { name: 'Health', type: 'string', jsonPath: '.status.health.status' },
          { name: 'Revision', type: 'string', jsonPath: '.status.sync.shortRevision' },
          { name: 'Auto-Sync', type: 'string', jsonPath: '.status.autoSync' },
          { name: 'Path', type: 'string', jsonPath: '.spec.source.path', priority: 1 },
          { name: 'Repo', type: 'string', jsonPath: '.spec.source.repo', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
};
