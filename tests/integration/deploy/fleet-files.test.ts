import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '@ablak/tests/harness';
import { renderTemplate, type RenderContext } from './helm-render';

/**
 * The fleet's container files, compose file and Helm chart. There is no container engine and no helm
 * binary on this machine, so these are checked for what can be checked without them: they parse, they
 * have the shape their tools expect, every file they name exists, their shell snippets pass `sh -n`,
 * and the chart's templates render (tests/integration/deploy/helm-render.ts, a renderer of the subset
 * of Go templates the chart uses) to the Kubernetes objects README "Deployment" describes.
 */
const DEPLOY = path.join(REPO_ROOT, 'infra', 'deploy');
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** `sh -n`: the script parses (it is not run). */
function shellSyntax(script: string): string {
  const result = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return result.status === 0 ? 'ok' : result.stderr;
}

describe('container file', () => {
  const text = read('infra/deploy/container/Containerfile');

  it('builds both services from this repo with the pinned Node major, and runs them as node', () => {
    const stages = [...text.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['build', 'runtime', 'signaling', 'sfu']);
    const major = read('.nvmrc').trim().split('.')[0];
    expect(text).toMatch(new RegExp(`^ARG NODE_IMAGE=\\S+:${major}-bookworm-slim$`, 'm'));
    for (const script of ['sfu/scripts/build-worker.sh', 'scripts/build-services.mjs']) {
      expect(text).toContain(script);
      expect(existsSync(path.join(REPO_ROOT, script)), script).toBe(true);
    }
    expect(text).toMatch(/^ENTRYPOINT \["node", "--enable-source-maps", "signaling\/dist\/main\.js"\]$/m);
    expect(text).toMatch(/^ENTRYPOINT \["node", "--enable-source-maps", "sfu\/dist\/main\.js"\]$/m);
    expect(text).toMatch(/^USER node$/m);
  });

  it('installs in the runtime image every Debian library the built worker links against', () => {
    const runtime = text.slice(text.indexOf('AS runtime'), text.indexOf('AS signaling'));
    for (const pkg of ['libuv1', 'libssl3', 'libsrtp2-1', 'libabsl20220623']) expect(runtime).toContain(pkg);
  });
});

describe('compose file (one host of a three-host fleet)', () => {
  const dir = path.join(DEPLOY, 'compose');
  const compose = parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; network_mode?: string; build?: { context: string; dockerfile: string; target: string }; volumes?: string[]; command?: string[]; cap_drop?: string[]; env_file?: string[] }>;
    volumes: Record<string, unknown>;
  };

  it('runs Redis, Sentinel, signaling, the SFU and TURN, all on the host network', () => {
    expect(Object.keys(compose).every((k) => ['name', 'services', 'volumes'].includes(k) || k.startsWith('x-'))).toBe(true);
    expect(Object.keys(compose.services).sort()).toEqual(['redis', 'sentinel', 'sfu', 'signaling', 'turn']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toBeTruthy();
      expect(service.network_mode, name).toBe('host');
      expect(service.cap_drop, name).toEqual(['ALL']);
    }
  });

  it('builds the two service images from the container file targets', () => {
    for (const name of ['signaling', 'sfu'] as const) {
      const build = compose.services[name]?.build;
      expect(build?.target).toBe(name);
      expect(path.resolve(dir, build?.context ?? '', build?.dockerfile ?? '')).toBe(path.join(DEPLOY, 'container', 'Containerfile'));
    }
  });

  it('mounts only files that exist in the repo or on the host under /etc/ablak, and named volumes', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.')) expect(existsSync(path.resolve(dir, source)), `${name}: ${source}`).toBe(true);
        else if (source.startsWith('/')) expect(source.startsWith('/etc/ablak/'), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
      }
    }
  });

  it('takes every variable it interpolates from the fleet env example', () => {
    const text = readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    const used = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const documented = new Set([...readFileSync(path.join(dir, 'fleet.env.example'), 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const optional = new Set(['ABLAK_SIGNALING_IMAGE', 'ABLAK_SFU_IMAGE', 'SFU_PORT']);
    expect([...used].filter((v) => !documented.has(v) && !optional.has(v!))).toEqual([]);
  });

  it('has shell commands that parse', () => {
    for (const name of ['redis', 'sentinel']) {
      const command = compose.services[name]?.command ?? [];
      expect(command.slice(0, 2)).toEqual(['sh', '-c']);
      expect(shellSyntax((command[2] ?? '').replaceAll('$$', '$')), name).toBe('ok');
    }
  });
});

describe('Helm chart', () => {
  const chartDir = path.join(DEPLOY, 'helm', 'ablak');
  const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  type K8sObject = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };

  function render(values: Record<string, unknown> = defaults): K8sObject[] {
    const ctx: RenderContext = { chartDir, values, release: { name: 'desk', namespace: 'ablak' }, chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion } };
    return readdirSync(path.join(chartDir, 'templates'))
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((file) =>
        parseAllDocuments(renderTemplate(ctx, file), { merge: true }).map((doc) => {
          expect(doc.errors, file).toEqual([]);
          return doc.toJS() as K8sObject;
        }),
      )
      .filter((o) => o !== null);
  }
  const find = (objects: K8sObject[], kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  type Container = { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[]; readinessProbe?: { httpGet?: { path: string } } };
  const podSpec = (o: K8sObject) => (o.spec?.template as { spec: { containers: Container[]; hostNetwork?: boolean } }).spec;
  const env = (c: Container | undefined, name: string) => c?.env?.find((e) => e.name === name);

  it('is a Helm 3 chart whose templates render to the fleet objects', () => {
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'ablak', type: 'application' });
    const objects = render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/desk-redis',
      'DaemonSet/desk-sfu',
      'Deployment/desk-signaling',
      'Ingress/desk',
      'Service/desk-redis',
      'Service/desk-signaling',
      'StatefulSet/desk-redis',
    ]);
  });

  it('runs signaling as a Deployment that finds Redis through the three Sentinels and is ready on /readyz', () => {
    const objects = render();
    const signaling = find(objects, 'Deployment', 'desk-signaling');
    expect(signaling.spec?.replicas).toBe(3);
    const container = podSpec(signaling).containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    const redis = find(objects, 'StatefulSet', 'desk-redis');
    expect(redis.spec).toMatchObject({ replicas: 3, serviceName: 'desk-redis' });
    expect(podSpec(redis).containers.map((c) => c.name)).toEqual(['redis', 'sentinel']);
    const sentinels = env(container, 'REDIS_SENTINELS')?.value?.split(',');
    expect(sentinels).toEqual([0, 1, 2].map((i) => `desk-redis-${i}.desk-redis.ablak.svc.cluster.local:26379`));
    expect(env(container, 'REDIS_SENTINEL_MASTER')?.value).toBe('ablak');
    expect(readFileSync(path.join(REPO_ROOT, 'infra/deploy/redis/sentinel.conf'), 'utf8')).toMatch(/^sentinel monitor ablak /m);
  });

  it('runs the SFU on the host network with its node address announced, or the one configured', () => {
    const sfu = podSpec(find(render(), 'DaemonSet', 'desk-sfu'));
    expect(sfu.hostNetwork).toBe(true);
    expect(env(sfu.containers[0], 'SFU_ANNOUNCED_IP')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
    const values = { ...defaults, sfu: { ...(defaults.sfu as object), announcedIp: '203.0.113.10' }, ingress: { ...(defaults.ingress as object), enabled: false } };
    const objects = render(values);
    expect(env(podSpec(find(objects, 'DaemonSet', 'desk-sfu')).containers[0], 'SFU_ANNOUNCED_IP')?.value).toBe('203.0.113.10');
    expect(objects.some((o) => o.kind === 'Ingress')).toBe(false);
  });

  it('carries no secret: every secret variable comes from the operator\'s Secret', () => {
    for (const object of render()) {
      if (!object.spec?.template) continue;
      for (const container of podSpec(object).containers) {
        for (const name of ['JWT_SECRET', 'MEDIA_GRANT_SECRET', 'TURN_SECRET', 'REDIS_PASSWORD']) {
          const entry = env(container, name);
          if (entry) expect(entry.valueFrom, `${object.metadata.name}/${container.name}: ${name}`).toEqual({ secretKeyRef: { name: 'ablak-secrets', key: name } });
        }
      }
    }
  });

  it('ships the repo\'s Redis and Sentinel configs unchanged, and start scripts that parse', () => {
    expect(read('infra/deploy/helm/ablak/files/redis.conf')).toBe(read('infra/redis/redis.conf'));
    expect(read('infra/deploy/helm/ablak/files/sentinel.conf')).toBe(read('infra/deploy/redis/sentinel.conf'));
    const config = find(render(), 'ConfigMap', 'desk-redis').data ?? {};
    expect(config['redis.conf']?.trim()).toBe(read('infra/redis/redis.conf').trim());
    for (const script of ['start-redis.sh', 'start-sentinel.sh']) expect(shellSyntax(config[script] ?? ''), script).toBe('ok');
  });
});
