import type { GitServer } from '../../infra/peers/git-server.ts';

/**
 * Synthetic GitOps repositories like the ones in reference/real-components.md §3: ~2 KB Kubernetes
 * manifests, 100 per folder, every file a `.yaml` (so every file is a marker candidate and must be
 * read: the worst case for a scan). Markers go only where the caller says.
 */

export interface FixtureMarker {
  /** Path of the file that carries the marker. */
  readonly path: string;
  /** The full `image:` value written before the marker comment, e.g. `127.0.0.1:5000/bench/app:1.0.0`. */
  readonly image: string;
  /** `namespace:name` of the ImagePolicy. */
  readonly policy: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const fixturePath = (index: number): string =>
  `apps/group-${pad(Math.floor(index / 100), 3)}/service-${pad(index, 5)}.yaml`;

const manifest = (index: number, image: string, marker: string): string => {
  const name = `service-${pad(index, 5)}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: group-${pad(Math.floor(index / 100), 3)}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: fleet
    app.kubernetes.io/managed-by: flux
    team: team-${index % 17}
  annotations:
    fleet.example.com/owner: "team-${index % 17}@example.com"
    fleet.example.com/runbook: "https://runbooks.example.com/${name}"
spec:
  replicas: ${1 + (index % 5)}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        team: team-${index % 17}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "${9000 + (index % 1000)}"
    spec:
      serviceAccountName: ${name}
      securityContext: {runAsNonRoot: true, runAsUser: ${10000 + index}, fsGroup: ${10000 + index}}
      containers:
        - name: app
          image: ${image}${marker}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--metrics-port=${9000 + (index % 1000)}", "--log-level=info"]
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
            - {name: metrics, containerPort: ${9000 + (index % 1000)}, protocol: TCP}
          env:
            - {name: SERVICE_NAME, value: ${name}}
            - {name: SERVICE_INDEX, value: "${index}"}
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.observability:4317"}
          resources:
            requests: {cpu: ${50 + (index % 20) * 10}m, memory: ${64 + (index % 8) * 32}Mi}
            limits: {cpu: ${500 + (index % 4) * 250}m, memory: ${256 + (index % 8) * 64}Mi}
          readinessProbe:
            httpGet: {path: /ready, port: http}
            periodSeconds: 10
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 15
            periodSeconds: 20
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`;
};

/** `count` manifests; the ones named in `markers` carry a Setters marker on their image line. */
export const fixtureFiles = (
  count: number,
  markers: readonly FixtureMarker[] = [],
): Record<string, string> => {
  const byPath = new Map(markers.map((m) => [m.path, m]));
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const path = fixturePath(i);
    const marker = byPath.get(path);
    files[path] = marker
      ? manifest(i, marker.image, ` # {"$imagepolicy": "${marker.policy}"}`)
      : manifest(i, `registry.example.com/fleet/service-${pad(i, 5)}:1.${i % 10}.${i % 7}`, '');
  }
  for (const marker of markers)
    if (!(marker.path in files)) throw new Error(`${marker.path} is not a fixture path`);
  return files;
};

/**
 * Seeds `name` on the Git server and packs it as a hosting service would have (`git gc`): clones
 * then get a deltified pack, as they do from GitHub or GitLab. Resolves the commit id.
 */
export const createFixtureRepo = async (
  git: GitServer,
  name: string,
  files: Record<string, string>,
): Promise<string> => {
  const commit = await git.createRepo(name, files);
  await git.git(name, ['gc', '-q']);
  return commit;
};

/** Puts `branch` back on `commit`, so every measured run makes the same change from the same base. */
export const resetBranch = async (git: GitServer, name: string, commit: string, branch = 'main') => {
  await git.git(name, ['update-ref', `refs/heads/${branch}`, commit]);
};
