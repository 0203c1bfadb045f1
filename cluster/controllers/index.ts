// The controllers the embedded cluster runs, one per file. Each is an API client (see controllerContext.ts).
import { Controller } from './controllerContext';
import { DeploymentController } from './deploymentController';
import { ReplicaSetController } from './replicaSetController';
import { REPLICATION_CONTROLLER } from './replicaset/replicatedKinds';
import { JobController } from './jobController';
import { CronJobController } from './cronJobController';
import { StatefulSetController } from './statefulSetController';
import { DaemonSetController } from './daemonSetController';
import { Scheduler } from '../scheduler/scheduler';
import { EndpointsController } from './endpointsController';
import { EndpointSliceController } from './endpointSliceController';
import { PersistentVolumeController } from './persistentVolumeController';
import { StorageClassBootstrap } from './storageClassBootstrap';
import { KubernetesServiceController } from './kubernetesServiceController';
import { KubeDnsServiceController } from './kubeDnsServiceController';
import { NetworkPolicyController } from './networkPolicyController';
import { StorageProtectionController } from './storageProtectionController';
import { ApplicationCrdBootstrap } from './applicationCrdBootstrap';
import { NodeUnschedulableTaintController } from './nodeUnschedulableTaint';
import { TaintEvictionController } from './taintEvictionController';
import { serviceAccountController } from './serviceAccountController';
import { rootCaPublisher } from './rootCaPublisher';
import { ClusterRoleAggregationController } from './clusterRoleAggregationController';
import { ResourceQuotaController } from './resourceQuotaController';
import { DisruptionController } from './disruptionController';
import { HorizontalPodAutoscalerController } from './horizontalPodAutoscalerController';
import { NodeLifecycleController } from './nodeLifecycleController';
import { ServiceLoadBalancerController } from './serviceLoadBalancerController';
import { NodePortController } from './nodePortController';
import { ClusterIPProxyController } from './clusterIPProxyController';
import { IngressController } from './ingressController';
import { CertificateSigningController } from './certificateSigningController';

export const CONTROLLERS: (() => Controller)[] = [
  () => new ReplicaSetController(),
  () => new ReplicaSetController(REPLICATION_CONTROLLER),
  () => new DeploymentController(),
  () => new JobController(),
  () => new CronJobController(),
  () => new StatefulSetController(),
  () => new DaemonSetController(),
  () => new Scheduler(),
  () => new EndpointsController(),
  () => new EndpointSliceController(),
  () => new PersistentVolumeController(),
  () => new StorageClassBootstrap(),
  () => new KubernetesServiceController(),
  () => new KubeDnsServiceController(),
  () => new NetworkPolicyController(),
  () => new StorageProtectionController(),
  () => new ApplicationCrdBootstrap(),
  () => new NodeUnschedulableTaintController(),
  () => new TaintEvictionController(),
  serviceAccountController,
  rootCaPublisher,
  () => new ClusterRoleAggregationController(),
  () => new ResourceQuotaController(),
  () => new DisruptionController(),
  () => new HorizontalPodAutoscalerController(),
  () => new NodeLifecycleController(),
  () => new ServiceLoadBalancerController(),
  () => new NodePortController(),
  () => new ClusterIPProxyController(),
  () => new IngressController(),
  () => new CertificateSigningController(),
];
