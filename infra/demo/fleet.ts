/**
 * The demo's fleet repository and Flux manifests: a Deployment (full `ns:name` marker), a
 * HelmRelease (`:name`, `:tag`, `:digest` markers) and a Kustomization (`:name`, `:tag`).
 */
export const fleetFiles = (registry: string): Record<string, string> => ({
  'apps/web/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          # Pinned by digest: the service writes tag@digest.
          image: ${registry}/demo/web:1.0.0 # {"$imagepolicy": "demo:web"}
          ports:
            - containerPort: 8080
`,
  'apps/api/helmrelease.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: api
  namespace: demo
spec:
  chart:
    spec: {chart: api, version: "1.x"}
  values:
    image:
      repository: ${registry}/demo/api # {"$imagepolicy": "demo:api:name"}
      tag: "1.0.0" # {"$imagepolicy": "demo:api:tag"}
      digest: "" # {"$imagepolicy": "demo:api:digest"}
`,
  'apps/worker/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: worker
    newName: ${registry}/demo/worker # {"$imagepolicy": "demo:worker:name"}
    newTag: 1.0.0 # {"$imagepolicy": "demo:worker:tag"}
`,
  'README.md': '# fleet\n\nManifests reconciled by Flux; image tags kept current by image-automation.\n',
});

export const RECEIVER_TOKEN = 'demo-receiver-token';

/** The user's Flux manifests, unchanged from what a Flux cluster would apply. */
/** The Secret of an ssh:// GitRepository, as `flux bootstrap` writes it (`identity`, `identity.pub`, `known_hosts`). */
export interface SshSecret {
  readonly identity: string;
  readonly identityPub: string;
  readonly knownHosts: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export const fluxManifests = (registry: string, gitUrl: string, ssh?: SshSecret): string => {
  const image = (name: string, range: string) => `---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: ${name}, namespace: demo}
spec:
  image: ${registry}/demo/${name}
  interval: 1h
  insecure: true
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: ${name}, namespace: demo}
spec:
  imageRepositoryRef: {name: ${name}}
  policy:
    semver: {range: "${range}"}
  digestReflectionPolicy: IfNotPresent
`;
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: demo}
spec:
  interval: 5m
  url: ${gitUrl}
  ref: {branch: main}${
    ssh
      ? `
  secretRef: {name: fleet-ssh}
---
apiVersion: v1
kind: Secret
metadata: {name: fleet-ssh, namespace: demo}
data:
  identity: ${b64(ssh.identity)}
  identity.pub: ${b64(ssh.identityPub)}
  known_hosts: ${b64(ssh.knownHosts)}`
      : ''
  }
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: fleet, namespace: demo}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: fleet}
  git:
    checkout: {ref: {branch: main}}
    commit:
      author: {name: Image Automation, email: image-automation@example.com}
      messageTemplate: |
        Update images in {{ .AutomationObject }}

        {{ range .Changed.Changes -}}
        - {{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }})
        {{ end -}}
    push: {branch: main}
  update: {strategy: Setters, path: ./apps}
${image('web', '>=1.0.0')}${image('api', '^1.0.0')}${image('worker', '~1.0.0')}---
apiVersion: v1
kind: Secret
metadata: {name: receiver-token, namespace: demo}
stringData: {token: ${RECEIVER_TOKEN}}
---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: demo}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: web}
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: api}
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: worker}
`;
};
