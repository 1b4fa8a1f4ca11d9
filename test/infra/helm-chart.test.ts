/**
 * The Helm chart (infra/helm/dangjian-flow), validated offline (issue 12): `helm lint`, then every object
 * `helm template` renders — with the defaults and with the Temporal Cloud / TLS / ingress values — checked
 * against the Kubernetes schemas (kubernetes-models), and the wiring between objects checked as a
 * cluster would resolve it: selectors match pods, autoscalers and the gateway name what exists, secrets
 * are referenced and never rendered, every process is probed and has resource requests.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are untyped JSON, walked by path after the schema check */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { repoRoot } from '@dj/infra/config';
import { helmPath } from '@dj/infra/helm';

const run = promisify(execFile);
/** The cluster version rendered for (Helm built from source has no default of its own beyond v1.20). */
const KUBE_VERSION = '1.30.0';
const chart = path.join(repoRoot, 'infra', 'helm', 'dangjian-flow');

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };

const models: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

async function render(sets: string[] = []): Promise<K8sObject[]> {
  const { stdout } = await run(helmPath(), ['template', 'dj', chart, '--namespace', 'dangjian', '--kube-version', KUBE_VERSION, ...sets.flatMap((s) => ['--set', s])], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const CLOUD = [
  'temporal.address=dangjian.a1b2c.tmprl.cloud:7233',
  'temporal.apiKey.existingSecret=temporal-cloud',
  'temporal.tls.serverName=dangjian.a1b2c.tmprl.cloud',
  'ingress.enabled=true',
  'trustedProxies=10.0.0.0/8',
  'ingress.tlsSecret=dangjian-tls',
  'recordAnchors.existingClaim=anchors-nfs',
  'secrets.recordPreviousKeysKey=record-previous-keys',
];
const MTLS = ['temporal.tls.existingSecret=temporal-client-cert', 'temporal.tls.serverName=temporal.internal'];

describe('the Helm chart', () => {
  it('passes helm lint', async () => {
    const { stdout } = await run(helmPath(), ['lint', chart, '--strict', '--kube-version', KUBE_VERSION]);
    expect(stdout).toContain('0 chart(s) failed');
  });

  for (const [label, sets] of [
    ['defaults', []],
    ['Temporal Cloud with an API key, ingress, an existing anchor volume', CLOUD],
    ['a self-hosted cluster with mutual TLS', MTLS],
  ] as const) {
    it(`renders objects valid against the Kubernetes schemas and wired to each other (${label})`, async () => {
      const objects = await render([...sets]);
      for (const o of objects) {
        const Model = models[`${o.apiVersion}/${o.kind}`];
        expect(Model, `${o.apiVersion}/${o.kind} ${o.metadata.name}`).toBeDefined();
        expect(() => new Model!(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
      }
      // No secret material in the chart: Secrets are created outside it and referenced.
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);

      const deployments = objects.filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.labels?.['app.kubernetes.io/component']).sort()).toEqual(['cases', 'console', 'gateway', 'identity', 'inbox', 'notice-board', 'worker']);
      const services = objects.filter((o) => o.kind === 'Service');
      for (const d of deployments) {
        const pod = d.spec.template;
        expect(matches(d.spec.selector.matchLabels, pod.metadata.labels), d.metadata.name).toBe(true);
        expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
        const [container] = pod.spec.containers;
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(container[probe], `${d.metadata.name} ${probe}`).toBeDefined();
        expect(container.resources.requests.cpu, d.metadata.name).toBeDefined();
        expect(container.resources.requests.memory, d.metadata.name).toBeDefined();
        expect(container.command.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
        const env = new Map<string, any>(container.env.map((e: { name: string }) => [e.name, e]));
        expect(env.get('DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'dangjian-database', key: 'app-url' });
        expect(env.get('JWT_SECRET').valueFrom.secretKeyRef.name).toBe('dangjian-secrets');
        expect(env.get('RECORD_KEY').valueFrom.secretKeyRef.name).toBe('dangjian-secrets');
        expect(env.get('PERSONAL_DATA_KEY').valueFrom.secretKeyRef).toEqual({ name: 'dangjian-secrets', key: 'personal-data-key' });
        // HTTP probes aim at the health endpoints of that process.
        const component = d.metadata.labels!['app.kubernetes.io/component']!;
        if (component !== 'worker') {
          expect(container.readinessProbe.httpGet.path).toMatch(component === 'console' ? /^\/console\/health$/ : component === 'gateway' ? /^\/api\/health\// : new RegExp(`^/api/${component}/health/ready$`));
          // Every HTTP process is reachable through a Service that selects its pods.
          expect(services.some((s) => matches(s.spec.selector, pod.metadata.labels)), d.metadata.name).toBe(true);
        }
      }
      // Every Service, autoscaler and disruption budget reaches a rendered workload.
      for (const s of services) expect(deployments.filter((d) => matches(s.spec.selector, d.spec.template.metadata.labels)), s.metadata.name).toHaveLength(1);
      for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect(deployments.map((d) => d.metadata.name)).toContain(h.spec.scaleTargetRef.name);
      for (const p of objects.filter((o) => o.kind === 'PodDisruptionBudget')) expect(deployments.filter((d) => matches(p.spec.selector.matchLabels, d.spec.template.metadata.labels)), p.metadata.name).toHaveLength(1);
      const worker = deployments.find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'worker')!;
      expect(worker.spec.template.spec.containers[0].env).toContainEqual({ name: 'WORKFLOW_BUNDLE_PATH', value: '/app/workflows/dist/workflow-bundle.js' });
      // The gateway's upstream URLs name rendered Services on their ports.
      const gateway = deployments.find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'gateway')!;
      const upstreamNames = ['IDENTITY_URL', 'INBOX_URL', 'CASES_URL', 'NOTICE_BOARD_URL', 'CONSOLE_URL'];
      const upstreams = gateway.spec.template.spec.containers[0].env.filter((e: { name: string }) => upstreamNames.includes(e.name));
      expect(upstreams).toHaveLength(5);
      for (const u of upstreams) {
        const url = new URL(u.value);
        expect(services.some((s) => s.metadata.name === url.hostname && s.spec.ports[0].port === Number(url.port)), u.value).toBe(true);
      }
      // The one-off preparation runs before install and upgrade, with the owner URL (and nothing else does).
      const job = objects.find((o) => o.kind === 'Job')!;
      expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(job.spec.template.spec.containers[0].command).toEqual(['node', '--import', 'tsx', 'infra/src/prepare.ts']);
      // It converts phones left in plaintext, so it has the personal data key too.
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'PERSONAL_DATA_KEY', valueFrom: { secretKeyRef: { name: 'dangjian-secrets', key: 'personal-data-key' } } });
      const ownerUsers = objects.flatMap((o) => JSON.stringify(o).includes('"owner-url"') ? [o.kind] : []);
      expect(ownerUsers).toEqual(['Job']);
    });
  }

  it('passes the Temporal Cloud and mutual TLS settings to every process', async () => {
    const cloud = await render([...CLOUD]);
    const config = cloud.find((o) => o.kind === 'ConfigMap')!;
    expect(config.data).toMatchObject({ TEMPORAL_ADDRESS: 'dangjian.a1b2c.tmprl.cloud:7233', TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'dangjian.a1b2c.tmprl.cloud', WORKER_DB_POOL: '20' });
    for (const d of cloud.filter((o) => o.kind === 'Deployment')) {
      const env = d.spec.template.spec.containers[0].env as { name: string; valueFrom?: any }[];
      expect(env.find((e) => e.name === 'TEMPORAL_API_KEY')?.valueFrom.secretKeyRef).toEqual({ name: 'temporal-cloud', key: 'api-key' });
      expect(env.find((e) => e.name === 'RECORD_PREVIOUS_KEYS')?.valueFrom.secretKeyRef.key).toBe('record-previous-keys');
    }
    expect(cloud.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    const gatewayEnv = cloud.find((o) => o.metadata.name === 'dj-dangjian-flow-gateway' && o.kind === 'Deployment')!.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(gatewayEnv.find((e) => e.name === 'TRUSTED_PROXIES')?.value).toBe('10.0.0.0/8');
    expect(cloud.find((o) => o.kind === 'Ingress')!.spec.rules[0].http.paths[0].backend.service.name).toBe('dj-dangjian-flow-gateway');

    const mtls = await render([...MTLS]);
    expect(mtls.find((o) => o.kind === 'ConfigMap')!.data).toMatchObject({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/dangjian/temporal-tls/tls.crt', TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/dangjian/temporal-tls/tls.key' });
    for (const d of mtls.filter((o) => o.kind === 'Deployment')) {
      const pod = d.spec.template.spec;
      expect(pod.volumes.find((v: { name: string }) => v.name === 'temporal-tls').secret.secretName).toBe('temporal-client-cert');
      expect(pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/etc/dangjian/temporal-tls');
    }
  });
});
