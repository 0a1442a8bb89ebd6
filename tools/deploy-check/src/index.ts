export { ensureDeployTools, customApiVersions, type DeployTools } from './toolchain';
export { renderChart, kubeconform, helmLint, loadCompose, schemaLocations, defaultChartDir, type Rendered, type RenderOptions, type KubeconformResult, type KubeconformResource } from './render';
export { deployToolVersions, kubernetesVersion } from './versions';
