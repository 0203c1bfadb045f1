// The filters in the order Kubernetes' default profile runs them; a node is rejected by the first one
// that fails, and that one's reasons are what the FailedScheduling message counts.
import { FilterPlugin } from '../framework';
import { interPodAffinity } from './interPodAffinity';
import { nodeAffinity } from './nodeAffinity';
import { nodePorts } from './nodePorts';
import { nodeResourcesFit } from './nodeResourcesFit';
import { nodeUnschedulable } from './nodeUnschedulable';
import { podTopologySpread } from './podTopologySpread';
import { taintToleration } from './taintToleration';
import { volumeBinding } from './volumeBinding';

export const FILTERS: readonly FilterPlugin[] = [
  nodeUnschedulable,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  volumeBinding,
  podTopologySpread,
  interPodAffinity,
];
