// The embedded cluster's ingress controller: the IngressClass `slipway` (controller slipway.dev/ingress, the default
// class, made at start when missing), the routes of the Ingresses of that class (or of no class while it is the
// default) installed in the one ingress listener on 127.0.0.1 (`--ingress-port`), and their
// status.loadBalancer.ingress [{ip: 127.0.0.1}] while that listener runs. Routing itself is ingressRoutes.ts, the
// forwarding ingressProxy.ts.
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import { resourcePath } from '../../kubeclient/apiClient';
import { isNotFound } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { deepEqual, type KubeObject } from '../../kube/objects';
import { HOST_ADDRESS } from '../network/hostNetwork';
import { IngressProxy } from '../network/ingressProxy';
import { IngressRoutes } from '../network/ingressRoutes';
import { Controller, ControllerContext } from './controllerContext';
import { isAlreadyExists } from './kit/apiErrors';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

export const INGRESS_CLASS = 'slipway';
export const INGRESS_CONTROLLER = 'slipway.dev/ingress';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** the class an Ingress names in the annotation older Ingresses use */
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** the work queue's key for rebuilding the routes (Ingress keys are namespace/name) */
const ROUTES = '';

type LiveIngress = Stored<Ingress>;

export class IngressController implements Controller {
  readonly name = 'ingress-controller';
  private ctx!: ControllerContext;
  private queue?: WorkQueue;
  private ingresses!: Informer;
  private classes!: Informer;
  private proxy?: IngressProxy;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.ingresses = ctx.informers.get('networking.k8s.io', 'ingresses');
    this.classes = ctx.informers.get('networking.k8s.io', 'ingressclasses');
    const listener = ctx.network.ingress;
    if (listener) {
      this.proxy = new IngressProxy(ctx.network);
      listener.serve(this.proxy.handle);
    }
    const queue = (this.queue = new WorkQueue((key) => (key === ROUTES ? this.rebuild() : this.sync(key)), 2));
    const ingressChanged = (o: KubeObject) => {
      queue.add(ROUTES);
      queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    };
    this.ingresses.on({ add: ingressChanged, update: ingressChanged, delete: () => queue.add(ROUTES) });
    // a class changing its controller or default mark changes which Ingresses are ours
    const classChanged = () => {
      queue.add(ROUTES);
      for (const ing of this.ingresses.list()) queue.add(`${ing.metadata.namespace}/${ing.metadata.name}`);
    };
    this.classes.on({ add: classChanged, update: classChanged, delete: classChanged });
    await Promise.all([this.ingresses.waitForSync(), this.classes.waitForSync()]);
    await this.ensureClass();
    classChanged();
  }

  stop(): void {
    this.queue?.stop();
  }

  private async ensureClass(): Promise<void> {
    if (this.classes.get(undefined, INGRESS_CLASS)) return;
    const cls: IngressClass = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
      spec: { controller: INGRESS_CONTROLLER },
    };
    try {
      await this.ctx.client.create(resourcePath(this.classes.info), cls);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  /** An Ingress of one of our classes, or of none while ours is the default class. */
  private isOurs(ing: LiveIngress): boolean {
    const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[CLASS_ANNOTATION];
    if (cls)
      return (this.classes.get(undefined, cls) as IngressClass | undefined)?.spec?.controller === INGRESS_CONTROLLER;
    const ours: IngressClass | undefined = this.classes.get(undefined, INGRESS_CLASS);
    return (
      ours?.spec?.controller === INGRESS_CONTROLLER && ours.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true'
    );
  }

  private async rebuild(): Promise<void> {
    this.proxy?.setRoutes(new IngressRoutes((this.ingresses.list() as LiveIngress[]).filter((i) => this.isOurs(i))));
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const ing: LiveIngress | undefined = this.ingresses.get(namespace, name);
    if (!ing) return;
    const current = ing.status?.loadBalancer?.ingress ?? [];
    const served = this.isOurs(ing) && !!this.ctx.network.ingress;
    // an Ingress that is not (or no longer) ours keeps whatever another controller wrote, minus our address
    const want = served ? [{ ip: HOST_ADDRESS }] : current.filter((i) => i.ip !== HOST_ADDRESS);
    if (deepEqual(current, want)) return;
    try {
      await this.ctx.client.patch(
        resourcePath(this.ingresses.info, namespace, name, 'status'),
        { status: { loadBalancer: { ingress: want.length ? want : null } } },
        'merge',
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
