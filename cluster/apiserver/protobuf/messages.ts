// Field tables for the Kubernetes protobuf messages the API server accepts, keyed by message
// name. The field numbers, names and shapes follow k8s.io/api and k8s.io/apimachinery
// generated.proto (the 1.33 field set); a field the table lacks is skipped when decoding.
// Where two API groups use one message name, the less common copy carries a prefix
// (discovery.EndpointPort, autoscalingv1.HorizontalPodAutoscaler).
//
// Each message is a comma-separated list of "<number> <jsonName> <type>[flag]":
//   s string, b bool, i32/i64/u32/u64 integers, f32/f64 floats, y bytes (base64 in JSON),
//   time (meta/v1 Time), mtime (meta/v1 MicroTime), qty (resource.Quantity),
//   ios (intstr.IntOrString), raw (runtime.RawExtension), fields (meta/v1 FieldsV1),
//   {K:V} a map, any other word a message of this table.
// Flags: "*" repeated; "^" a Go struct embedded inline, whose fields sit directly in the
// parent's JSON; "?" a Go pointer, written only when set, so a zero value is meaningful;
// "!" a Go value whose JSON tag lacks omitempty, so JSON carries its zero value too.
// Other scalars are Go values with omitempty: gogo writes them even when zero, and a zero there
// stands for "not set" and is left out, as in the JSON form of the same object.

export const MESSAGES: Record<string, string> = {
  Namespace: '1 metadata ObjectMeta, 2 spec NamespaceSpec, 3 status NamespaceStatus',
  ObjectMeta:
    '1 name s, 2 generateName s, 3 namespace s, 4 selfLink s, 5 uid s, 6 resourceVersion s, 7 generation i64, 8 creationTimestamp time, 9 deletionTimestamp time?, 10 deletionGracePeriodSeconds i64?, 11 labels {s:s}, 12 annotations {s:s}, 13 ownerReferences OwnerReference*, 14 finalizers s*, 17 managedFields ManagedFieldsEntry*',
  OwnerReference: '1 kind s!, 3 name s!, 4 uid s!, 5 apiVersion s!, 6 controller b?, 7 blockOwnerDeletion b?',
  ManagedFieldsEntry:
    '1 manager s, 2 operation s, 3 apiVersion s, 4 time time?, 6 fieldsType s, 7 fieldsV1 fields?, 8 subresource s',
  NamespaceSpec: '1 finalizers s*',
  NamespaceStatus: '1 phase s, 2 conditions NamespaceCondition*',
  NamespaceCondition: '1 type s!, 2 status s!, 4 lastTransitionTime time, 5 reason s, 6 message s',
  Pod: '1 metadata ObjectMeta, 2 spec PodSpec, 3 status PodStatus',
  PodSpec:
    '1 volumes Volume*, 2 containers Container*, 3 restartPolicy s, 4 terminationGracePeriodSeconds i64?, 5 activeDeadlineSeconds i64?, 6 dnsPolicy s, 7 nodeSelector {s:s}, 8 serviceAccountName s, 9 serviceAccount s, 10 nodeName s, 11 hostNetwork b, 12 hostPID b, 13 hostIPC b, 14 securityContext PodSecurityContext, 15 imagePullSecrets LocalObjectReference*, 16 hostname s, 17 subdomain s, 18 affinity Affinity, 19 schedulerName s, 20 initContainers Container*, 21 automountServiceAccountToken b?, 22 tolerations Toleration*, 23 hostAliases HostAlias*, 24 priorityClassName s, 25 priority i32?, 26 dnsConfig PodDNSConfig, 27 shareProcessNamespace b?, 28 readinessGates PodReadinessGate*, 29 runtimeClassName s?, 30 enableServiceLinks b?, 31 preemptionPolicy s?, 32 overhead {s:qty}, 33 topologySpreadConstraints TopologySpreadConstraint*, 34 ephemeralContainers EphemeralContainer*, 35 setHostnameAsFQDN b?, 36 os PodOS, 37 hostUsers b?, 38 schedulingGates PodSchedulingGate*, 39 resourceClaims PodResourceClaim*, 40 resources ResourceRequirements',
  Volume: '1 name s!, 2 volumeSource VolumeSource^',
  VolumeSource:
    '1 hostPath HostPathVolumeSource, 2 emptyDir EmptyDirVolumeSource, 3 gcePersistentDisk GCEPersistentDiskVolumeSource, 4 awsElasticBlockStore AWSElasticBlockStoreVolumeSource, 5 gitRepo GitRepoVolumeSource, 6 secret SecretVolumeSource, 7 nfs NFSVolumeSource, 8 iscsi ISCSIVolumeSource, 9 glusterfs GlusterfsVolumeSource, 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource, 11 rbd RBDVolumeSource, 12 flexVolume FlexVolumeSource, 13 cinder CinderVolumeSource, 14 cephfs CephFSVolumeSource, 15 flocker FlockerVolumeSource, 16 downwardAPI DownwardAPIVolumeSource, 17 fc FCVolumeSource, 18 azureFile AzureFileVolumeSource, 19 configMap ConfigMapVolumeSource, 20 vsphereVolume VsphereVirtualDiskVolumeSource, 21 quobyte QuobyteVolumeSource, 22 azureDisk AzureDiskVolumeSource, 23 photonPersistentDisk PhotonPersistentDiskVolumeSource, 24 portworxVolume PortworxVolumeSource, 25 scaleIO ScaleIOVolumeSource, 26 projected ProjectedVolumeSource, 27 storageos StorageOSVolumeSource, 28 csi CSIVolumeSource, 29 ephemeral EphemeralVolumeSource, 30 image ImageVolumeSource',
  HostPathVolumeSource: '1 path s!, 2 type s?',
  EmptyDirVolumeSource: '1 medium s, 2 sizeLimit qty?',
  GCEPersistentDiskVolumeSource: '1 pdName s!, 2 fsType s, 3 partition i32, 4 readOnly b',
  AWSElasticBlockStoreVolumeSource: '1 volumeID s!, 2 fsType s, 3 partition i32, 4 readOnly b',
  GitRepoVolumeSource: '1 repository s!, 2 revision s, 3 directory s',
  SecretVolumeSource: '1 secretName s, 2 items KeyToPath*, 3 defaultMode i32?, 4 optional b?',
  KeyToPath: '1 key s!, 2 path s!, 3 mode i32?',
  NFSVolumeSource: '1 server s!, 2 path s!, 3 readOnly b',
  ISCSIVolumeSource:
    '1 targetPortal s!, 2 iqn s!, 3 lun i32!, 4 iscsiInterface s, 5 fsType s, 6 readOnly b, 7 portals s*, 8 chapAuthDiscovery b, 10 secretRef LocalObjectReference, 11 chapAuthSession b, 12 initiatorName s?',
  LocalObjectReference: '1 name s',
  GlusterfsVolumeSource: '1 endpoints s!, 2 path s!, 3 readOnly b',
  PersistentVolumeClaimVolumeSource: '1 claimName s!, 2 readOnly b',
  RBDVolumeSource:
    '1 monitors s*, 2 image s!, 3 fsType s, 4 pool s, 5 user s, 6 keyring s, 7 secretRef LocalObjectReference, 8 readOnly b',
  FlexVolumeSource: '1 driver s!, 2 fsType s, 3 secretRef LocalObjectReference, 4 readOnly b, 5 options {s:s}',
  CinderVolumeSource: '1 volumeID s!, 2 fsType s, 3 readOnly b, 4 secretRef LocalObjectReference',
  CephFSVolumeSource:
    '1 monitors s*, 2 path s, 3 user s, 4 secretFile s, 5 secretRef LocalObjectReference, 6 readOnly b',
  FlockerVolumeSource: '1 datasetName s, 2 datasetUUID s',
  DownwardAPIVolumeSource: '1 items DownwardAPIVolumeFile*, 2 defaultMode i32?',
  DownwardAPIVolumeFile:
    '1 path s!, 2 fieldRef ObjectFieldSelector, 3 resourceFieldRef ResourceFieldSelector, 4 mode i32?',
  ObjectFieldSelector: '1 apiVersion s, 2 fieldPath s!',
  ResourceFieldSelector: '1 containerName s, 2 resource s!, 3 divisor qty',
  FCVolumeSource: '1 targetWWNs s*, 2 lun i32?, 3 fsType s, 4 readOnly b, 5 wwids s*',
  AzureFileVolumeSource: '1 secretName s!, 2 shareName s!, 3 readOnly b',
  ConfigMapVolumeSource:
    '1 localObjectReference LocalObjectReference^, 2 items KeyToPath*, 3 defaultMode i32?, 4 optional b?',
  VsphereVirtualDiskVolumeSource: '1 volumePath s!, 2 fsType s, 3 storagePolicyName s, 4 storagePolicyID s',
  QuobyteVolumeSource: '1 registry s!, 2 volume s!, 3 readOnly b, 4 user s, 5 group s, 6 tenant s',
  AzureDiskVolumeSource: '1 diskName s!, 2 diskURI s!, 3 cachingMode s?, 4 fsType s?, 5 readOnly b?, 6 kind s?',
  PhotonPersistentDiskVolumeSource: '1 pdID s!, 2 fsType s',
  ProjectedVolumeSource: '1 sources VolumeProjection*, 2 defaultMode i32?',
  VolumeProjection:
    '1 secret SecretProjection, 2 downwardAPI DownwardAPIProjection, 3 configMap ConfigMapProjection, 4 serviceAccountToken ServiceAccountTokenProjection, 5 clusterTrustBundle ClusterTrustBundleProjection',
  SecretProjection: '1 localObjectReference LocalObjectReference^, 2 items KeyToPath*, 4 optional b?',
  DownwardAPIProjection: '1 items DownwardAPIVolumeFile*',
  ConfigMapProjection: '1 localObjectReference LocalObjectReference^, 2 items KeyToPath*, 4 optional b?',
  ServiceAccountTokenProjection: '1 audience s, 2 expirationSeconds i64?, 3 path s!',
  ClusterTrustBundleProjection: '1 name s?, 2 signerName s?, 3 labelSelector LabelSelector, 4 path s!, 5 optional b?',
  LabelSelector: '1 matchLabels {s:s}, 2 matchExpressions LabelSelectorRequirement*',
  LabelSelectorRequirement: '1 key s!, 2 operator s!, 3 values s*',
  PortworxVolumeSource: '1 volumeID s!, 2 fsType s, 3 readOnly b',
  ScaleIOVolumeSource:
    '1 gateway s!, 2 system s!, 3 secretRef LocalObjectReference, 4 sslEnabled b, 5 protectionDomain s, 6 storagePool s, 7 storageMode s, 8 volumeName s, 9 fsType s, 10 readOnly b',
  StorageOSVolumeSource:
    '1 volumeName s, 2 volumeNamespace s, 3 fsType s, 4 readOnly b, 5 secretRef LocalObjectReference',
  CSIVolumeSource:
    '1 driver s!, 2 readOnly b?, 3 fsType s?, 4 volumeAttributes {s:s}, 5 nodePublishSecretRef LocalObjectReference',
  EphemeralVolumeSource: '1 volumeClaimTemplate PersistentVolumeClaimTemplate',
  PersistentVolumeClaimTemplate: '1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec',
  PersistentVolumeClaimSpec:
    '1 accessModes s*, 2 resources VolumeResourceRequirements, 3 volumeName s, 4 selector LabelSelector, 5 storageClassName s?, 6 volumeMode s?, 7 dataSource TypedLocalObjectReference, 8 dataSourceRef TypedObjectReference, 9 volumeAttributesClassName s?',
  VolumeResourceRequirements: '1 limits {s:qty}, 2 requests {s:qty}',
  TypedLocalObjectReference: '1 apiGroup s?, 2 kind s!, 3 name s!',
  TypedObjectReference: '1 apiGroup s?, 2 kind s!, 3 name s!, 4 namespace s?',
  ImageVolumeSource: '1 reference s, 2 pullPolicy s',
  Container:
    '1 name s!, 2 image s, 3 command s*, 4 args s*, 5 workingDir s, 6 ports ContainerPort*, 7 env EnvVar*, 8 resources ResourceRequirements, 9 volumeMounts VolumeMount*, 10 livenessProbe Probe, 11 readinessProbe Probe, 12 lifecycle Lifecycle, 13 terminationMessagePath s, 14 imagePullPolicy s, 15 securityContext SecurityContext, 16 stdin b, 17 stdinOnce b, 18 tty b, 19 envFrom EnvFromSource*, 20 terminationMessagePolicy s, 21 volumeDevices VolumeDevice*, 22 startupProbe Probe, 23 resizePolicy ContainerResizePolicy*, 24 restartPolicy s?',
  ContainerPort: '1 name s, 2 hostPort i32, 3 containerPort i32!, 4 protocol s, 5 hostIP s',
  EnvFromSource: '1 prefix s, 2 configMapRef ConfigMapEnvSource, 3 secretRef SecretEnvSource',
  ConfigMapEnvSource: '1 localObjectReference LocalObjectReference^, 2 optional b?',
  SecretEnvSource: '1 localObjectReference LocalObjectReference^, 2 optional b?',
  EnvVar: '1 name s!, 2 value s, 3 valueFrom EnvVarSource',
  EnvVarSource:
    '1 fieldRef ObjectFieldSelector, 2 resourceFieldRef ResourceFieldSelector, 3 configMapKeyRef ConfigMapKeySelector, 4 secretKeyRef SecretKeySelector',
  ConfigMapKeySelector: '1 localObjectReference LocalObjectReference^, 2 key s!, 3 optional b?',
  SecretKeySelector: '1 localObjectReference LocalObjectReference^, 2 key s!, 3 optional b?',
  ResourceRequirements: '1 limits {s:qty}, 2 requests {s:qty}, 3 claims ResourceClaim*',
  ResourceClaim: '1 name s!, 2 request s',
  ContainerResizePolicy: '1 resourceName s!, 2 restartPolicy s!',
  VolumeMount:
    '1 name s!, 2 readOnly b, 3 mountPath s!, 4 subPath s, 5 mountPropagation s?, 6 subPathExpr s, 7 recursiveReadOnly s?',
  VolumeDevice: '1 name s!, 2 devicePath s!',
  Probe:
    '1 handler ProbeHandler^, 2 initialDelaySeconds i32, 3 timeoutSeconds i32, 4 periodSeconds i32, 5 successThreshold i32, 6 failureThreshold i32, 7 terminationGracePeriodSeconds i64?',
  ProbeHandler: '1 exec ExecAction, 2 httpGet HTTPGetAction, 3 tcpSocket TCPSocketAction, 4 grpc GRPCAction',
  ExecAction: '1 command s*',
  HTTPGetAction: '1 path s, 2 port ios, 3 host s, 4 scheme s, 5 httpHeaders HTTPHeader*',
  HTTPHeader: '1 name s!, 2 value s!',
  TCPSocketAction: '1 port ios, 2 host s',
  GRPCAction: '1 port i32!, 2 service s?',
  Lifecycle: '1 postStart LifecycleHandler, 2 preStop LifecycleHandler, 3 stopSignal s?',
  LifecycleHandler: '1 exec ExecAction, 2 httpGet HTTPGetAction, 3 tcpSocket TCPSocketAction, 4 sleep SleepAction',
  SleepAction: '1 seconds i64!',
  SecurityContext:
    '1 capabilities Capabilities, 2 privileged b?, 3 seLinuxOptions SELinuxOptions, 4 runAsUser i64?, 5 runAsNonRoot b?, 6 readOnlyRootFilesystem b?, 7 allowPrivilegeEscalation b?, 8 runAsGroup i64?, 9 procMount s?, 10 windowsOptions WindowsSecurityContextOptions, 11 seccompProfile SeccompProfile, 12 appArmorProfile AppArmorProfile',
  Capabilities: '1 add s*, 2 drop s*',
  SELinuxOptions: '1 user s, 2 role s, 3 type s, 4 level s',
  WindowsSecurityContextOptions:
    '1 gmsaCredentialSpecName s?, 2 gmsaCredentialSpec s?, 3 runAsUserName s?, 4 hostProcess b?',
  SeccompProfile: '1 type s!, 2 localhostProfile s?',
  AppArmorProfile: '1 type s!, 2 localhostProfile s?',
  EphemeralContainer: '1 ephemeralContainerCommon EphemeralContainerCommon^, 2 targetContainerName s',
  EphemeralContainerCommon:
    '1 name s!, 2 image s, 3 command s*, 4 args s*, 5 workingDir s, 6 ports ContainerPort*, 7 env EnvVar*, 8 resources ResourceRequirements, 9 volumeMounts VolumeMount*, 10 livenessProbe Probe, 11 readinessProbe Probe, 12 lifecycle Lifecycle, 13 terminationMessagePath s, 14 imagePullPolicy s, 15 securityContext SecurityContext, 16 stdin b, 17 stdinOnce b, 18 tty b, 19 envFrom EnvFromSource*, 20 terminationMessagePolicy s, 21 volumeDevices VolumeDevice*, 22 startupProbe Probe, 23 resizePolicy ContainerResizePolicy*, 24 restartPolicy s?',
  PodSecurityContext:
    '1 seLinuxOptions SELinuxOptions, 2 runAsUser i64?, 3 runAsNonRoot b?, 4 supplementalGroups i64*, 5 fsGroup i64?, 6 runAsGroup i64?, 7 sysctls Sysctl*, 8 windowsOptions WindowsSecurityContextOptions, 9 fsGroupChangePolicy s?, 10 seccompProfile SeccompProfile, 11 appArmorProfile AppArmorProfile, 12 supplementalGroupsPolicy s?, 13 seLinuxChangePolicy s?',
  Sysctl: '1 name s!, 2 value s!',
  Affinity: '1 nodeAffinity NodeAffinity, 2 podAffinity PodAffinity, 3 podAntiAffinity PodAntiAffinity',
  NodeAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector, 2 preferredDuringSchedulingIgnoredDuringExecution PreferredSchedulingTerm*',
  NodeSelector: '1 nodeSelectorTerms NodeSelectorTerm*',
  NodeSelectorTerm: '1 matchExpressions NodeSelectorRequirement*, 2 matchFields NodeSelectorRequirement*',
  NodeSelectorRequirement: '1 key s!, 2 operator s!, 3 values s*',
  PreferredSchedulingTerm: '1 weight i32!, 2 preference NodeSelectorTerm',
  PodAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm*, 2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm*',
  PodAffinityTerm:
    '1 labelSelector LabelSelector, 2 namespaces s*, 3 topologyKey s!, 4 namespaceSelector LabelSelector, 5 matchLabelKeys s*, 6 mismatchLabelKeys s*',
  WeightedPodAffinityTerm: '1 weight i32!, 2 podAffinityTerm PodAffinityTerm',
  PodAntiAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm*, 2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm*',
  Toleration: '1 key s, 2 operator s, 3 value s, 4 effect s, 5 tolerationSeconds i64?',
  HostAlias: '1 ip s!, 2 hostnames s*',
  PodDNSConfig: '1 nameservers s*, 2 searches s*, 3 options PodDNSConfigOption*',
  PodDNSConfigOption: '1 name s, 2 value s?',
  PodReadinessGate: '1 conditionType s!',
  TopologySpreadConstraint:
    '1 maxSkew i32!, 2 topologyKey s!, 3 whenUnsatisfiable s!, 4 labelSelector LabelSelector, 5 minDomains i32?, 6 nodeAffinityPolicy s?, 7 nodeTaintsPolicy s?, 8 matchLabelKeys s*',
  PodOS: '1 name s!',
  PodSchedulingGate: '1 name s!',
  PodResourceClaim: '1 name s!, 3 resourceClaimName s?, 4 resourceClaimTemplateName s?',
  PodStatus:
    '1 phase s, 2 conditions PodCondition*, 3 message s, 4 reason s, 5 hostIP s, 6 podIP s, 7 startTime time?, 8 containerStatuses ContainerStatus*, 9 qosClass s, 10 initContainerStatuses ContainerStatus*, 11 nominatedNodeName s, 12 podIPs PodIP*, 13 ephemeralContainerStatuses ContainerStatus*, 14 resize s, 15 resourceClaimStatuses PodResourceClaimStatus*, 16 hostIPs HostIP*, 17 observedGeneration i64',
  PodCondition:
    '1 type s!, 2 status s!, 3 lastProbeTime time, 4 lastTransitionTime time, 5 reason s, 6 message s, 7 observedGeneration i64',
  HostIP: '1 ip s!',
  PodIP: '1 ip s!',
  ContainerStatus:
    '1 name s!, 2 state ContainerState, 3 lastState ContainerState, 4 ready b!, 5 restartCount i32!, 6 image s!, 7 imageID s!, 8 containerID s, 9 started b?, 10 allocatedResources {s:qty}, 11 resources ResourceRequirements, 12 volumeMounts VolumeMountStatus*, 13 user ContainerUser, 14 allocatedResourcesStatus ResourceStatus*, 15 stopSignal s?',
  ContainerState:
    '1 waiting ContainerStateWaiting, 2 running ContainerStateRunning, 3 terminated ContainerStateTerminated',
  ContainerStateWaiting: '1 reason s, 2 message s',
  ContainerStateRunning: '1 startedAt time',
  ContainerStateTerminated:
    '1 exitCode i32!, 2 signal i32, 3 reason s, 4 message s, 5 startedAt time, 6 finishedAt time, 7 containerID s',
  VolumeMountStatus: '1 name s!, 2 mountPath s!, 3 readOnly b, 4 recursiveReadOnly s?',
  ContainerUser: '1 linux LinuxContainerUser',
  LinuxContainerUser: '1 uid i64!, 2 gid i64!, 3 supplementalGroups i64*',
  ResourceStatus: '1 name s!, 2 resources ResourceHealth*',
  ResourceHealth: '1 resourceID s!, 2 health s',
  PodResourceClaimStatus: '1 name s!, 2 resourceClaimName s?',
  Service: '1 metadata ObjectMeta, 2 spec ServiceSpec, 3 status ServiceStatus',
  ServiceSpec:
    '1 ports ServicePort*, 2 selector {s:s}, 3 clusterIP s, 4 type s, 5 externalIPs s*, 7 sessionAffinity s, 8 loadBalancerIP s, 9 loadBalancerSourceRanges s*, 10 externalName s, 11 externalTrafficPolicy s, 12 healthCheckNodePort i32, 13 publishNotReadyAddresses b, 14 sessionAffinityConfig SessionAffinityConfig, 17 ipFamilyPolicy s?, 18 clusterIPs s*, 19 ipFamilies s*, 20 allocateLoadBalancerNodePorts b?, 21 loadBalancerClass s?, 22 internalTrafficPolicy s?, 23 trafficDistribution s?',
  ServicePort: '1 name s, 2 protocol s, 3 port i32!, 4 targetPort ios, 5 nodePort i32, 6 appProtocol s?',
  SessionAffinityConfig: '1 clientIP ClientIPConfig',
  ClientIPConfig: '1 timeoutSeconds i32?',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus, 2 conditions Condition*',
  LoadBalancerStatus: '1 ingress LoadBalancerIngress*',
  LoadBalancerIngress: '1 ip s, 2 hostname s, 3 ipMode s?, 4 ports PortStatus*',
  PortStatus: '1 port i32!, 2 protocol s!, 3 error s?',
  Condition: '1 type s!, 2 status s!, 3 observedGeneration i64, 4 lastTransitionTime time, 5 reason s!, 6 message s!',
  Endpoints: '1 metadata ObjectMeta, 2 subsets EndpointSubset*',
  EndpointSubset: '1 addresses EndpointAddress*, 2 notReadyAddresses EndpointAddress*, 3 ports EndpointPort*',
  EndpointAddress: '1 ip s!, 2 targetRef ObjectReference, 3 hostname s, 4 nodeName s?',
  ObjectReference: '1 kind s, 2 namespace s, 3 name s, 4 uid s, 5 apiVersion s, 6 resourceVersion s, 7 fieldPath s',
  EndpointPort: '1 name s, 2 port i32!, 3 protocol s, 4 appProtocol s?',
  ConfigMap: '1 metadata ObjectMeta, 2 data {s:s}, 3 binaryData {s:y}, 4 immutable b?',
  Secret: '1 metadata ObjectMeta, 2 data {s:y}, 3 type s, 4 stringData {s:s}, 5 immutable b?',
  ServiceAccount:
    '1 metadata ObjectMeta, 2 secrets ObjectReference*, 3 imagePullSecrets LocalObjectReference*, 4 automountServiceAccountToken b?',
  PersistentVolume: '1 metadata ObjectMeta, 2 spec PersistentVolumeSpec, 3 status PersistentVolumeStatus',
  PersistentVolumeSpec:
    '1 capacity {s:qty}, 2 persistentVolumeSource PersistentVolumeSource^, 3 accessModes s*, 4 claimRef ObjectReference, 5 persistentVolumeReclaimPolicy s, 6 storageClassName s, 7 mountOptions s*, 8 volumeMode s?, 9 nodeAffinity VolumeNodeAffinity, 10 volumeAttributesClassName s?',
  PersistentVolumeSource:
    '1 gcePersistentDisk GCEPersistentDiskVolumeSource, 2 awsElasticBlockStore AWSElasticBlockStoreVolumeSource, 3 hostPath HostPathVolumeSource, 4 glusterfs GlusterfsPersistentVolumeSource, 5 nfs NFSVolumeSource, 6 rbd RBDPersistentVolumeSource, 7 iscsi ISCSIPersistentVolumeSource, 8 cinder CinderPersistentVolumeSource, 9 cephfs CephFSPersistentVolumeSource, 10 fc FCVolumeSource, 11 flocker FlockerVolumeSource, 12 flexVolume FlexPersistentVolumeSource, 13 azureFile AzureFilePersistentVolumeSource, 14 vsphereVolume VsphereVirtualDiskVolumeSource, 15 quobyte QuobyteVolumeSource, 16 azureDisk AzureDiskVolumeSource, 17 photonPersistentDisk PhotonPersistentDiskVolumeSource, 18 portworxVolume PortworxVolumeSource, 19 scaleIO ScaleIOPersistentVolumeSource, 20 local LocalVolumeSource, 21 storageos StorageOSPersistentVolumeSource, 22 csi CSIPersistentVolumeSource',
  GlusterfsPersistentVolumeSource: '1 endpoints s!, 2 path s!, 3 readOnly b, 4 endpointsNamespace s?',
  RBDPersistentVolumeSource:
    '1 monitors s*, 2 image s!, 3 fsType s, 4 pool s, 5 user s, 6 keyring s, 7 secretRef SecretReference, 8 readOnly b',
  SecretReference: '1 name s, 2 namespace s',
  ISCSIPersistentVolumeSource:
    '1 targetPortal s!, 2 iqn s!, 3 lun i32!, 4 iscsiInterface s, 5 fsType s, 6 readOnly b, 7 portals s*, 8 chapAuthDiscovery b, 10 secretRef SecretReference, 11 chapAuthSession b, 12 initiatorName s?',
  CinderPersistentVolumeSource: '1 volumeID s!, 2 fsType s, 3 readOnly b, 4 secretRef SecretReference',
  CephFSPersistentVolumeSource:
    '1 monitors s*, 2 path s, 3 user s, 4 secretFile s, 5 secretRef SecretReference, 6 readOnly b',
  FlexPersistentVolumeSource: '1 driver s!, 2 fsType s, 3 secretRef SecretReference, 4 readOnly b, 5 options {s:s}',
  AzureFilePersistentVolumeSource: '1 secretName s!, 2 shareName s!, 3 readOnly b, 4 secretNamespace s?',
  ScaleIOPersistentVolumeSource:
    '1 gateway s!, 2 system s!, 3 secretRef SecretReference, 4 sslEnabled b, 5 protectionDomain s, 6 storagePool s, 7 storageMode s, 8 volumeName s, 9 fsType s, 10 readOnly b',
  LocalVolumeSource: '1 path s!, 2 fsType s?',
  StorageOSPersistentVolumeSource:
    '1 volumeName s, 2 volumeNamespace s, 3 fsType s, 4 readOnly b, 5 secretRef ObjectReference',
  CSIPersistentVolumeSource:
    '1 driver s!, 2 volumeHandle s!, 3 readOnly b, 4 fsType s, 5 volumeAttributes {s:s}, 6 controllerPublishSecretRef SecretReference, 7 nodeStageSecretRef SecretReference, 8 nodePublishSecretRef SecretReference, 9 controllerExpandSecretRef SecretReference, 10 nodeExpandSecretRef SecretReference',
  VolumeNodeAffinity: '1 required NodeSelector',
  PersistentVolumeStatus: '1 phase s, 2 message s, 3 reason s, 4 lastPhaseTransitionTime time?',
  PersistentVolumeClaim:
    '1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec, 3 status PersistentVolumeClaimStatus',
  PersistentVolumeClaimStatus:
    '1 phase s, 2 accessModes s*, 3 capacity {s:qty}, 4 conditions PersistentVolumeClaimCondition*, 5 allocatedResources {s:qty}, 7 allocatedResourceStatuses {s:s}, 8 currentVolumeAttributesClassName s?, 9 modifyVolumeStatus ModifyVolumeStatus',
  PersistentVolumeClaimCondition:
    '1 type s!, 2 status s!, 3 lastProbeTime time, 4 lastTransitionTime time, 5 reason s, 6 message s',
  ModifyVolumeStatus: '1 targetVolumeAttributesClassName s, 2 status s!',
  Node: '1 metadata ObjectMeta, 2 spec NodeSpec, 3 status NodeStatus',
  NodeSpec:
    '1 podCIDR s, 2 externalID s, 3 providerID s, 4 unschedulable b, 5 taints Taint*, 6 configSource NodeConfigSource, 7 podCIDRs s*',
  Taint: '1 key s!, 2 value s, 3 effect s!, 4 timeAdded time?',
  NodeConfigSource: '2 configMap ConfigMapNodeConfigSource',
  ConfigMapNodeConfigSource: '1 namespace s!, 2 name s!, 3 uid s, 4 resourceVersion s, 5 kubeletConfigKey s!',
  NodeStatus:
    '1 capacity {s:qty}, 2 allocatable {s:qty}, 3 phase s, 4 conditions NodeCondition*, 5 addresses NodeAddress*, 6 daemonEndpoints NodeDaemonEndpoints, 7 nodeInfo NodeSystemInfo, 8 images ContainerImage*, 9 volumesInUse s*, 10 volumesAttached AttachedVolume*, 11 config NodeConfigStatus, 12 runtimeHandlers NodeRuntimeHandler*, 13 features NodeFeatures',
  NodeCondition: '1 type s!, 2 status s!, 3 lastHeartbeatTime time, 4 lastTransitionTime time, 5 reason s, 6 message s',
  NodeAddress: '1 type s!, 2 address s!',
  NodeDaemonEndpoints: '1 kubeletEndpoint DaemonEndpoint',
  DaemonEndpoint: '1 Port i32!',
  NodeSystemInfo:
    '1 machineID s!, 2 systemUUID s!, 3 bootID s!, 4 kernelVersion s!, 5 osImage s!, 6 containerRuntimeVersion s!, 7 kubeletVersion s!, 8 kubeProxyVersion s!, 9 operatingSystem s!, 10 architecture s!, 11 swap NodeSwapStatus',
  NodeSwapStatus: '1 capacity i64?',
  ContainerImage: '1 names s*, 2 sizeBytes i64',
  AttachedVolume: '1 name s!, 2 devicePath s!',
  NodeConfigStatus:
    '1 assigned NodeConfigSource, 2 active NodeConfigSource, 3 lastKnownGood NodeConfigSource, 4 error s',
  NodeRuntimeHandler: '1 name s, 2 features NodeRuntimeHandlerFeatures',
  NodeRuntimeHandlerFeatures: '1 recursiveReadOnlyMounts b?, 2 userNamespaces b?',
  NodeFeatures: '1 supplementalGroupsPolicy b?',
  Event:
    '1 metadata ObjectMeta, 2 involvedObject ObjectReference, 3 reason s, 4 message s, 5 source EventSource, 6 firstTimestamp time, 7 lastTimestamp time, 8 count i32, 9 type s, 10 eventTime mtime, 11 series EventSeries, 12 action s, 13 related ObjectReference, 14 reportingComponent s!, 15 reportingInstance s!',
  EventSource: '1 component s, 2 host s',
  EventSeries: '1 count i32, 2 lastObservedTime mtime',
  LimitRange: '1 metadata ObjectMeta, 2 spec LimitRangeSpec',
  LimitRangeSpec: '1 limits LimitRangeItem*',
  LimitRangeItem:
    '1 type s!, 2 max {s:qty}, 3 min {s:qty}, 4 default {s:qty}, 5 defaultRequest {s:qty}, 6 maxLimitRequestRatio {s:qty}',
  ResourceQuota: '1 metadata ObjectMeta, 2 spec ResourceQuotaSpec, 3 status ResourceQuotaStatus',
  ResourceQuotaSpec: '1 hard {s:qty}, 2 scopes s*, 3 scopeSelector ScopeSelector',
  ScopeSelector: '1 matchExpressions ScopedResourceSelectorRequirement*',
  ScopedResourceSelectorRequirement: '1 scopeName s!, 2 operator s!, 3 values s*',
  ResourceQuotaStatus: '1 hard {s:qty}, 2 used {s:qty}',
  ReplicationController:
    '1 metadata ObjectMeta, 2 spec ReplicationControllerSpec, 3 status ReplicationControllerStatus',
  ReplicationControllerSpec: '1 replicas i32?, 2 selector {s:s}, 3 template PodTemplateSpec, 4 minReadySeconds i32',
  PodTemplateSpec: '1 metadata ObjectMeta, 2 spec PodSpec',
  ReplicationControllerStatus:
    '1 replicas i32!, 2 fullyLabeledReplicas i32, 3 observedGeneration i64, 4 readyReplicas i32, 5 availableReplicas i32, 6 conditions ReplicationControllerCondition*',
  ReplicationControllerCondition: '1 type s!, 2 status s!, 3 lastTransitionTime time, 4 reason s, 5 message s',
  Binding: '1 metadata ObjectMeta, 2 target ObjectReference',
  TokenRequest: '1 metadata ObjectMeta, 2 spec TokenRequestSpec, 3 status TokenRequestStatus',
  TokenRequestSpec: '1 audiences s*, 3 boundObjectRef BoundObjectReference, 4 expirationSeconds i64?',
  BoundObjectReference: '1 kind s, 2 apiVersion s, 3 name s, 4 uid s',
  TokenRequestStatus: '1 token s!, 2 expirationTimestamp time',
  TokenReview: '1 metadata ObjectMeta, 2 spec TokenReviewSpec',
  TokenReviewSpec: '1 token s, 2 audiences s*',
  SelfSubjectReview: '1 metadata ObjectMeta',
  SelfSubjectAccessReview: '1 metadata ObjectMeta, 2 spec SelfSubjectAccessReviewSpec',
  SelfSubjectAccessReviewSpec: '1 resourceAttributes ResourceAttributes, 2 nonResourceAttributes NonResourceAttributes',
  ResourceAttributes: '1 namespace s, 2 verb s, 3 group s, 4 version s, 5 resource s, 6 subresource s, 7 name s',
  NonResourceAttributes: '1 path s, 2 verb s',
  SelfSubjectRulesReview: '1 metadata ObjectMeta, 2 spec SelfSubjectRulesReviewSpec',
  SelfSubjectRulesReviewSpec: '1 namespace s',
  SubjectAccessReview: '1 metadata ObjectMeta, 2 spec SubjectAccessReviewSpec',
  SubjectAccessReviewSpec:
    '1 resourceAttributes ResourceAttributes, 2 nonResourceAttributes NonResourceAttributes, 3 user s, 4 groups s*, 6 uid s',
  Deployment: '1 metadata ObjectMeta, 2 spec DeploymentSpec, 3 status DeploymentStatus',
  DeploymentSpec:
    '1 replicas i32?, 2 selector LabelSelector, 3 template PodTemplateSpec, 4 strategy DeploymentStrategy, 5 minReadySeconds i32, 6 revisionHistoryLimit i32?, 7 paused b, 9 progressDeadlineSeconds i32?',
  DeploymentStrategy: '1 type s, 2 rollingUpdate RollingUpdateDeployment',
  RollingUpdateDeployment: '1 maxUnavailable ios?, 2 maxSurge ios?',
  DeploymentStatus:
    '1 observedGeneration i64, 2 replicas i32, 3 updatedReplicas i32, 4 availableReplicas i32, 5 unavailableReplicas i32, 6 conditions DeploymentCondition*, 7 readyReplicas i32, 8 collisionCount i32?, 9 terminatingReplicas i32?',
  DeploymentCondition:
    '1 type s!, 2 status s!, 4 reason s, 5 message s, 6 lastUpdateTime time, 7 lastTransitionTime time',
  ReplicaSet: '1 metadata ObjectMeta, 2 spec ReplicaSetSpec, 3 status ReplicaSetStatus',
  ReplicaSetSpec: '1 replicas i32?, 2 selector LabelSelector, 3 template PodTemplateSpec, 4 minReadySeconds i32',
  ReplicaSetStatus:
    '1 replicas i32!, 2 fullyLabeledReplicas i32, 3 observedGeneration i64, 4 readyReplicas i32, 5 availableReplicas i32, 6 conditions ReplicaSetCondition*, 7 terminatingReplicas i32?',
  ReplicaSetCondition: '1 type s!, 2 status s!, 3 lastTransitionTime time, 4 reason s, 5 message s',
  StatefulSet: '1 metadata ObjectMeta, 2 spec StatefulSetSpec, 3 status StatefulSetStatus',
  StatefulSetSpec:
    '1 replicas i32?, 2 selector LabelSelector, 3 template PodTemplateSpec, 4 volumeClaimTemplates PersistentVolumeClaim*, 5 serviceName s!, 6 podManagementPolicy s, 7 updateStrategy StatefulSetUpdateStrategy, 8 revisionHistoryLimit i32?, 9 minReadySeconds i32, 10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy, 11 ordinals StatefulSetOrdinals',
  StatefulSetUpdateStrategy: '1 type s, 2 rollingUpdate RollingUpdateStatefulSetStrategy',
  RollingUpdateStatefulSetStrategy: '1 partition i32?, 2 maxUnavailable ios?',
  StatefulSetPersistentVolumeClaimRetentionPolicy: '1 whenDeleted s, 2 whenScaled s',
  StatefulSetOrdinals: '1 start i32!',
  StatefulSetStatus:
    '1 observedGeneration i64, 2 replicas i32!, 3 readyReplicas i32, 4 currentReplicas i32, 5 updatedReplicas i32, 6 currentRevision s, 7 updateRevision s, 9 collisionCount i32?, 10 conditions StatefulSetCondition*, 11 availableReplicas i32!',
  StatefulSetCondition: '1 type s!, 2 status s!, 3 lastTransitionTime time, 4 reason s, 5 message s',
  DaemonSet: '1 metadata ObjectMeta, 2 spec DaemonSetSpec, 3 status DaemonSetStatus',
  DaemonSetSpec:
    '1 selector LabelSelector, 2 template PodTemplateSpec, 3 updateStrategy DaemonSetUpdateStrategy, 4 minReadySeconds i32, 6 revisionHistoryLimit i32?',
  DaemonSetUpdateStrategy: '1 type s, 2 rollingUpdate RollingUpdateDaemonSet',
  RollingUpdateDaemonSet: '1 maxUnavailable ios?, 2 maxSurge ios?',
  DaemonSetStatus:
    '1 currentNumberScheduled i32!, 2 numberMisscheduled i32!, 3 desiredNumberScheduled i32!, 4 numberReady i32!, 5 observedGeneration i64, 6 updatedNumberScheduled i32, 7 numberAvailable i32, 8 numberUnavailable i32, 9 collisionCount i32?, 10 conditions DaemonSetCondition*',
  DaemonSetCondition: '1 type s!, 2 status s!, 3 lastTransitionTime time, 4 reason s, 5 message s',
  ControllerRevision: '1 metadata ObjectMeta, 2 data raw, 3 revision i64!',
  Job: '1 metadata ObjectMeta, 2 spec JobSpec, 3 status JobStatus',
  JobSpec:
    '1 parallelism i32?, 2 completions i32?, 3 activeDeadlineSeconds i64?, 4 selector LabelSelector, 5 manualSelector b?, 6 template PodTemplateSpec, 7 backoffLimit i32?, 8 ttlSecondsAfterFinished i32?, 9 completionMode s?, 10 suspend b?, 11 podFailurePolicy PodFailurePolicy, 12 backoffLimitPerIndex i32?, 13 maxFailedIndexes i32?, 14 podReplacementPolicy s?, 15 managedBy s?, 16 successPolicy SuccessPolicy',
  PodFailurePolicy: '1 rules PodFailurePolicyRule*',
  PodFailurePolicyRule:
    '1 action s!, 2 onExitCodes PodFailurePolicyOnExitCodesRequirement, 3 onPodConditions PodFailurePolicyOnPodConditionsPattern*',
  PodFailurePolicyOnExitCodesRequirement: '1 containerName s?, 2 operator s!, 3 values i32*',
  PodFailurePolicyOnPodConditionsPattern: '1 type s!, 2 status s!',
  SuccessPolicy: '1 rules SuccessPolicyRule*',
  SuccessPolicyRule: '1 succeededIndexes s?, 2 succeededCount i32?',
  JobStatus:
    '1 conditions JobCondition*, 2 startTime time?, 3 completionTime time?, 4 active i32, 5 succeeded i32, 6 failed i32, 7 completedIndexes s, 8 uncountedTerminatedPods UncountedTerminatedPods, 9 ready i32?, 10 failedIndexes s?, 11 terminating i32?',
  JobCondition: '1 type s!, 2 status s!, 3 lastProbeTime time, 4 lastTransitionTime time, 5 reason s, 6 message s',
  UncountedTerminatedPods: '1 succeeded s*, 2 failed s*',
  CronJob: '1 metadata ObjectMeta, 2 spec CronJobSpec, 3 status CronJobStatus',
  CronJobSpec:
    '1 schedule s!, 2 startingDeadlineSeconds i64?, 3 concurrencyPolicy s, 4 suspend b?, 5 jobTemplate JobTemplateSpec, 6 successfulJobsHistoryLimit i32?, 7 failedJobsHistoryLimit i32?, 8 timeZone s?',
  JobTemplateSpec: '1 metadata ObjectMeta, 2 spec JobSpec',
  CronJobStatus: '1 active ObjectReference*, 4 lastScheduleTime time?, 5 lastSuccessfulTime time?',
  Ingress: '1 metadata ObjectMeta, 2 spec IngressSpec, 3 status IngressStatus',
  IngressSpec: '1 defaultBackend IngressBackend, 2 tls IngressTLS*, 3 rules IngressRule*, 4 ingressClassName s?',
  IngressBackend: '3 resource TypedLocalObjectReference, 4 service IngressServiceBackend',
  IngressServiceBackend: '1 name s!, 2 port ServiceBackendPort',
  ServiceBackendPort: '1 name s, 2 number i32',
  IngressTLS: '1 hosts s*, 2 secretName s',
  IngressRule: '1 host s, 2 ingressRuleValue IngressRuleValue^',
  IngressRuleValue: '1 http HTTPIngressRuleValue',
  HTTPIngressRuleValue: '1 paths HTTPIngressPath*',
  HTTPIngressPath: '1 path s, 2 backend IngressBackend, 3 pathType s?',
  IngressStatus: '1 loadBalancer IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: '1 ingress IngressLoadBalancerIngress*',
  IngressLoadBalancerIngress: '1 ip s, 2 hostname s, 4 ports IngressPortStatus*',
  IngressPortStatus: '1 port i32!, 2 protocol s!, 3 error s?',
  IngressClass: '1 metadata ObjectMeta, 2 spec IngressClassSpec',
  IngressClassSpec: '1 controller s, 2 parameters IngressClassParametersReference',
  IngressClassParametersReference: '1 aPIGroup s?, 2 kind s!, 3 name s!, 4 scope s?, 5 namespace s?',
  NetworkPolicy: '1 metadata ObjectMeta, 2 spec NetworkPolicySpec',
  NetworkPolicySpec:
    '1 podSelector LabelSelector, 2 ingress NetworkPolicyIngressRule*, 3 egress NetworkPolicyEgressRule*, 4 policyTypes s*',
  NetworkPolicyIngressRule: '1 ports NetworkPolicyPort*, 2 from NetworkPolicyPeer*',
  NetworkPolicyPort: '1 protocol s?, 2 port ios?, 3 endPort i32?',
  NetworkPolicyPeer: '1 podSelector LabelSelector, 2 namespaceSelector LabelSelector, 3 ipBlock IPBlock',
  IPBlock: '1 cidr s!, 2 except s*',
  NetworkPolicyEgressRule: '1 ports NetworkPolicyPort*, 2 to NetworkPolicyPeer*',
  EndpointSlice: '1 metadata ObjectMeta, 2 endpoints Endpoint*, 3 ports discovery.EndpointPort*, 4 addressType s!',
  Endpoint:
    '1 addresses s*, 2 conditions EndpointConditions, 3 hostname s?, 4 targetRef ObjectReference, 5 deprecatedTopology {s:s}, 6 nodeName s?, 7 zone s?, 8 hints EndpointHints',
  EndpointConditions: '1 ready b?, 2 serving b?, 3 terminating b?',
  EndpointHints: '1 forZones ForZone*, 2 forNodes ForNode*',
  ForZone: '1 name s!',
  ForNode: '1 name s!',
  'discovery.EndpointPort': '1 name s?, 2 protocol s?, 3 port i32?, 4 appProtocol s?',
  PodDisruptionBudget: '1 metadata ObjectMeta, 2 spec PodDisruptionBudgetSpec, 3 status PodDisruptionBudgetStatus',
  PodDisruptionBudgetSpec:
    '1 minAvailable ios?, 2 selector LabelSelector, 3 maxUnavailable ios?, 4 unhealthyPodEvictionPolicy s?',
  PodDisruptionBudgetStatus:
    '1 observedGeneration i64, 2 disruptedPods {s:time}, 3 disruptionsAllowed i32!, 4 currentHealthy i32!, 5 desiredHealthy i32!, 6 expectedPods i32!, 7 conditions Condition*',
  Eviction: '1 metadata ObjectMeta, 2 deleteOptions DeleteOptions',
  DeleteOptions:
    '1 gracePeriodSeconds i64?, 2 preconditions Preconditions, 3 orphanDependents b?, 4 propagationPolicy s?, 5 dryRun s*, 6 ignoreStoreReadErrorWithClusterBreakingPotential b?',
  Preconditions: '1 uid s?, 2 resourceVersion s?',
  HorizontalPodAutoscaler:
    '1 metadata ObjectMeta, 2 spec HorizontalPodAutoscalerSpec, 3 status HorizontalPodAutoscalerStatus',
  HorizontalPodAutoscalerSpec:
    '1 scaleTargetRef CrossVersionObjectReference, 2 minReplicas i32?, 3 maxReplicas i32!, 4 metrics MetricSpec*, 5 behavior HorizontalPodAutoscalerBehavior',
  CrossVersionObjectReference: '1 kind s!, 2 name s!, 3 apiVersion s',
  MetricSpec:
    '1 type s!, 2 object ObjectMetricSource, 3 pods PodsMetricSource, 4 resource ResourceMetricSource, 5 external ExternalMetricSource, 7 containerResource ContainerResourceMetricSource',
  ObjectMetricSource: '1 describedObject CrossVersionObjectReference, 2 target MetricTarget, 3 metric MetricIdentifier',
  MetricTarget: '1 type s!, 2 value qty?, 3 averageValue qty?, 4 averageUtilization i32?',
  MetricIdentifier: '1 name s!, 2 selector LabelSelector',
  PodsMetricSource: '1 metric MetricIdentifier, 2 target MetricTarget',
  ResourceMetricSource: '1 name s!, 2 target MetricTarget',
  ContainerResourceMetricSource: '1 name s!, 2 target MetricTarget, 3 container s!',
  ExternalMetricSource: '1 metric MetricIdentifier, 2 target MetricTarget',
  HorizontalPodAutoscalerBehavior: '1 scaleUp HPAScalingRules, 2 scaleDown HPAScalingRules',
  HPAScalingRules:
    '1 selectPolicy s?, 2 policies HPAScalingPolicy*, 3 stabilizationWindowSeconds i32?, 4 tolerance qty?',
  HPAScalingPolicy: '1 type s!, 2 value i32!, 3 periodSeconds i32!',
  HorizontalPodAutoscalerStatus:
    '1 observedGeneration i64?, 2 lastScaleTime time?, 3 currentReplicas i32, 4 desiredReplicas i32!, 5 currentMetrics MetricStatus*, 6 conditions HorizontalPodAutoscalerCondition*',
  MetricStatus:
    '1 type s!, 2 object ObjectMetricStatus, 3 pods PodsMetricStatus, 4 resource ResourceMetricStatus, 5 external ExternalMetricStatus, 7 containerResource ContainerResourceMetricStatus',
  ObjectMetricStatus:
    '1 metric MetricIdentifier, 2 current MetricValueStatus, 3 describedObject CrossVersionObjectReference',
  MetricValueStatus: '1 value qty?, 2 averageValue qty?, 3 averageUtilization i32?',
  PodsMetricStatus: '1 metric MetricIdentifier, 2 current MetricValueStatus',
  ResourceMetricStatus: '1 name s!, 2 current MetricValueStatus',
  ContainerResourceMetricStatus: '1 name s!, 2 current MetricValueStatus, 3 container s!',
  ExternalMetricStatus: '1 metric MetricIdentifier, 2 current MetricValueStatus',
  HorizontalPodAutoscalerCondition: '1 type s!, 2 status s!, 3 lastTransitionTime time, 4 reason s, 5 message s',
  Scale: '1 metadata ObjectMeta, 2 spec ScaleSpec, 3 status ScaleStatus',
  CertificateSigningRequest:
    '1 metadata ObjectMeta, 2 spec CertificateSigningRequestSpec, 3 status CertificateSigningRequestStatus',
  CertificateSigningRequestSpec:
    '1 request y!, 2 username s, 3 uid s, 4 groups s*, 5 usages s*, 7 signerName s!, 8 expirationSeconds i32?',
  CertificateSigningRequestStatus: '1 conditions CertificateSigningRequestCondition*, 2 certificate y',
  CertificateSigningRequestCondition:
    '1 type s!, 6 status s!, 2 reason s, 3 message s, 4 lastUpdateTime time, 5 lastTransitionTime time',
  ScaleSpec: '1 replicas i32',
  ScaleStatus: '1 replicas i32!, 2 selector s',
  'autoscalingv1.HorizontalPodAutoscaler':
    '1 metadata ObjectMeta, 2 spec autoscalingv1.HorizontalPodAutoscalerSpec, 3 status autoscalingv1.HorizontalPodAutoscalerStatus',
  'autoscalingv1.HorizontalPodAutoscalerSpec':
    '1 scaleTargetRef autoscalingv1.CrossVersionObjectReference, 2 minReplicas i32?, 3 maxReplicas i32!, 4 targetCPUUtilizationPercentage i32?',
  'autoscalingv1.CrossVersionObjectReference': '1 kind s!, 2 name s!, 3 apiVersion s',
  'autoscalingv1.HorizontalPodAutoscalerStatus':
    '1 observedGeneration i64?, 2 lastScaleTime time?, 3 currentReplicas i32!, 4 desiredReplicas i32!, 5 currentCPUUtilizationPercentage i32?',
  Role: '1 metadata ObjectMeta, 2 rules PolicyRule*',
  PolicyRule: '1 verbs s*, 2 apiGroups s*, 3 resources s*, 4 resourceNames s*, 5 nonResourceURLs s*',
  RoleBinding: '1 metadata ObjectMeta, 2 subjects Subject*, 3 roleRef RoleRef',
  Subject: '1 kind s!, 2 apiGroup s, 3 name s!, 4 namespace s',
  RoleRef: '1 apiGroup s!, 2 kind s!, 3 name s!',
  ClusterRole: '1 metadata ObjectMeta, 2 rules PolicyRule*, 3 aggregationRule AggregationRule',
  AggregationRule: '1 clusterRoleSelectors LabelSelector*',
  ClusterRoleBinding: '1 metadata ObjectMeta, 2 subjects Subject*, 3 roleRef RoleRef',
  StorageClass:
    '1 metadata ObjectMeta, 2 provisioner s!, 3 parameters {s:s}, 4 reclaimPolicy s?, 5 mountOptions s*, 6 allowVolumeExpansion b?, 7 volumeBindingMode s?, 8 allowedTopologies TopologySelectorTerm*',
  TopologySelectorTerm: '1 matchLabelExpressions TopologySelectorLabelRequirement*',
  TopologySelectorLabelRequirement: '1 key s!, 2 values s*',
  Lease: '1 metadata ObjectMeta, 2 spec LeaseSpec',
  LeaseSpec:
    '1 holderIdentity s?, 2 leaseDurationSeconds i32?, 3 acquireTime mtime?, 4 renewTime mtime?, 5 leaseTransitions i32?, 6 strategy s?, 7 preferredHolder s?',
};

/** "<apiVersion> <kind>" of a request body → the message its raw bytes hold. */
export const KINDS: Record<string, string> = {
  'v1 Namespace': 'Namespace',
  'v1 Pod': 'Pod',
  'v1 Service': 'Service',
  'v1 Endpoints': 'Endpoints',
  'v1 ConfigMap': 'ConfigMap',
  'v1 Secret': 'Secret',
  'v1 ServiceAccount': 'ServiceAccount',
  'v1 PersistentVolume': 'PersistentVolume',
  'v1 PersistentVolumeClaim': 'PersistentVolumeClaim',
  'v1 Node': 'Node',
  'v1 Event': 'Event',
  'v1 LimitRange': 'LimitRange',
  'v1 ResourceQuota': 'ResourceQuota',
  'v1 ReplicationController': 'ReplicationController',
  'v1 Binding': 'Binding',
  'authentication.k8s.io/v1 TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1 TokenReview': 'TokenReview',
  'authentication.k8s.io/v1 SelfSubjectReview': 'SelfSubjectReview',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authorization.k8s.io/v1 SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1 LocalSubjectAccessReview': 'SubjectAccessReview',
  'apps/v1 Deployment': 'Deployment',
  'apps/v1 ReplicaSet': 'ReplicaSet',
  'apps/v1 StatefulSet': 'StatefulSet',
  'apps/v1 DaemonSet': 'DaemonSet',
  'apps/v1 ControllerRevision': 'ControllerRevision',
  'batch/v1 Job': 'Job',
  'batch/v1 CronJob': 'CronJob',
  'networking.k8s.io/v1 Ingress': 'Ingress',
  'networking.k8s.io/v1 IngressClass': 'IngressClass',
  'networking.k8s.io/v1 NetworkPolicy': 'NetworkPolicy',
  'discovery.k8s.io/v1 EndpointSlice': 'EndpointSlice',
  'policy/v1 PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1 Eviction': 'Eviction',
  'autoscaling/v2 HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'autoscaling/v1 Scale': 'Scale',
  'autoscaling/v1 HorizontalPodAutoscaler': 'autoscalingv1.HorizontalPodAutoscaler',
  'rbac.authorization.k8s.io/v1 Role': 'Role',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'ClusterRoleBinding',
  'storage.k8s.io/v1 StorageClass': 'StorageClass',
  'coordination.k8s.io/v1 Lease': 'Lease',
  'certificates.k8s.io/v1 CertificateSigningRequest': 'CertificateSigningRequest',
  'meta.k8s.io/v1 DeleteOptions': 'DeleteOptions',
};
