import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, serviceEntry } from '@ablak/tests/harness';

/**
 * The systemd units of infra/deploy/systemd, checked the way systemd itself reads them. No systemd runs
 * here, so `systemd-analyze verify` loads each unit as PID 1 would and checks every ExecStart binary
 * exists: the install layout of the units (/opt/ablak/node, /opt/ablak/app) is staged in a temporary
 * directory from this checkout (its Node, its built services) and the units are checked with only
 * that prefix rewritten. Debian's binaries (redis-server, turnserver, kill, cp) are checked where they are.
 */
const run = promisify(execFile);
const UNIT_DIR = path.join(REPO_ROOT, 'infra', 'deploy', 'systemd');
const UNITS = readdirSync(UNIT_DIR).filter((f) => f.endsWith('.service'));
const PREFIX = '/opt/ablak/';

/** Where each file a unit reads under /etc/ablak comes from in this repo (README "Deployment"). */
const SHIPPED: Record<string, string> = {
  '/etc/ablak/signaling.env': 'signaling/.env.example',
  '/etc/ablak/sfu.env': 'sfu/.env.example',
  '/etc/ablak/redis.conf': 'infra/redis/redis.conf',
  '/etc/ablak/sentinel.conf': 'infra/deploy/redis/sentinel.conf',
  '/etc/ablak/turnserver.conf': 'infra/coturn/turnserver.conf',
};

let stage: string;

function unitText(name: string): string {
  return readFileSync(path.join(UNIT_DIR, name), 'utf8');
}

/** `Key=value` lines of a unit's [Service] section (a key may repeat). */
function serviceEntries(text: string): [string, string][] {
  const section = text.split(/^\[Service\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}

async function verify(files: string[]): Promise<{ code: number; output: string }> {
  const result = await run('systemd-analyze', ['verify', ...files]).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
  return { code: result.code, output: result.output.trim() };
}

beforeAll(() => {
  // The units start the built services: build them as `scripts/ablak setup` does (a no-op when current).
  serviceEntry('signaling');
  serviceEntry('sfu');
  stage = mkdtempSync(path.join(tmpdir(), 'ablak-units-'));
  mkdirSync(path.join(stage, 'opt', 'ablak', 'node', 'bin'), { recursive: true });
  symlinkSync(process.execPath, path.join(stage, 'opt', 'ablak', 'node', 'bin', 'node'));
  symlinkSync(REPO_ROOT, path.join(stage, 'opt', 'ablak', 'app'));
  mkdirSync(path.join(stage, 'units'));
  for (const unit of UNITS) {
    writeFileSync(path.join(stage, 'units', unit), unitText(unit).replaceAll(PREFIX, path.join(stage, 'opt', 'ablak') + '/'));
  }
});
afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

describe('systemd units (infra/deploy/systemd)', () => {
  it('ships units for signaling, the SFU, Redis, Sentinel and TURN', () => {
    expect(UNITS.sort()).toEqual(['ablak-redis.service', 'ablak-sentinel.service', 'ablak-sfu.service', 'ablak-signaling.service', 'ablak-turn.service']);
  });

  it('pass systemd-analyze verify without a single warning', async () => {
    const result = await verify(UNITS.map((u) => path.join(stage, 'units', u)));
    expect(result).toEqual({ code: 0, output: '' });
  });

  it('would be caught by that check when a directive is unknown or its binary is missing', async () => {
    const bad = path.join(stage, 'bad.service');
    writeFileSync(bad, unitText('ablak-sfu.service').replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nProtectSystm=strict'));
    expect((await verify([bad])).output).toContain("Unknown key 'ProtectSystm'");
    writeFileSync(bad, unitText('ablak-sfu.service'));
    expect((await verify([bad])).output).toContain('/opt/ablak/node/bin/node is not executable');
  });

  it('start the built services and the configuration files this repo ships', () => {
    for (const unit of UNITS) {
      const entries = serviceEntries(unitText(unit));
      const commands = entries.filter(([k]) => k === 'ExecStart' || k === 'ExecStartPre').map(([, v]) => v);
      for (const word of commands.flatMap((c) => c.split(/\s+/))) {
        if (word.startsWith(PREFIX)) expect(existsSync(path.join(stage, word.slice(1))), `${unit}: ${word}`).toBe(true);
        if (word.startsWith('/etc/ablak/')) expect(SHIPPED[word], `${unit}: ${word} has no source in the repo`).toBeDefined();
      }
      for (const [, file] of entries.filter(([k]) => k === 'EnvironmentFile')) expect(SHIPPED[file.replace(/^-/, '')], `${unit}: ${file}`).toBeDefined();
    }
    for (const source of Object.values(SHIPPED)) expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
  });

  it('raise the open-file limit and drop privileges (at most CAP_NET_BIND_SERVICE, for 443)', () => {
    for (const unit of UNITS) {
      const entries = serviceEntries(unitText(unit));
      const value = (key: string) => entries.filter(([k]) => k === key).map(([, v]) => v);
      expect(Number(value('LimitNOFILE')[0]), unit).toBeGreaterThanOrEqual(65_536);
      expect(value('User')[0], unit).toMatch(/^(ablak|redis|turnserver)$/);
      expect(value('NoNewPrivileges'), unit).toEqual(['yes']);
      expect(value('ProtectSystem'), unit).toEqual(['strict']);
      expect(value('PrivateTmp'), unit).toEqual(['yes']);
      expect(value('ProtectHome'), unit).toEqual(['yes']);
      expect(['', 'CAP_NET_BIND_SERVICE'], unit).toContain(value('CapabilityBoundingSet')[0]);
      expect(value('SystemCallFilter'), unit).toContain('@system-service');
    }
  });

  it('rate an exposure of at most 2.0 in systemd-analyze security', async () => {
    for (const unit of UNITS) {
      const { stdout } = await run('systemd-analyze', ['security', '--offline=yes', '--threshold=20', path.join(stage, 'units', unit)]);
      const level = /Overall exposure level for \S+: ([\d.]+)/.exec(stdout)?.[1];
      expect(Number(level), unit).toBeLessThanOrEqual(2.0);
    }
  });

  it('create the ablak system user with systemd-sysusers', async () => {
    const root = path.join(stage, 'sysroot');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    const { stdout, stderr } = await run('systemd-sysusers', ['--dry-run', `--root=${root}`, path.join(UNIT_DIR, 'ablak.sysusers.conf')]);
    expect(stdout + stderr).toMatch(/Creating user 'ablak'/);
  });
});
