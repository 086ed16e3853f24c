import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker-compose.yml and the Dockerfile cannot be run on these machines (no Docker engine), so
 * this test holds them to the code instead: pinned images, KRaft, start order, topic settings,
 * environment names the code reads, ports, and flags the real CLI accepts. Each check returns the
 * problems it finds, so the negative cases below can run it on a broken copy.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the code reads its environment. */
const SOURCE_DIRS = ['cli', 'consumers', 'producers', 'dashboards', 'reports', 'schemas'];
/** What the image needs at run time. */
const RUNTIME_DIRS = ['bin', ...SOURCE_DIRS, 'standards'];

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  volumes?: (string | { type?: string; source?: string })[];
  ports?: (string | number | { target?: number; published?: string | number; host_ip?: string })[];
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const composeText = read('docker-compose.yml');
// Merge keys (<<) are YAML 1.1; compose supports them, so the parser must too.
const loadCompose = (): Compose => parse(composeText, { merge: true }) as Compose;

const sourceFiles = (dirs: string[], ext = /\.(ts|js)$/): string[] =>
  dirs.flatMap((d) => readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' }).filter((f) => ext.test(f)).map((f) => join(d, f)));

const envOf = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

const dependsOf = (s: Service): Record<string, string> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([k, v]) => [k, v?.condition ?? 'service_started']));

const commandOf = (s: Service): string[] => (typeof s.command === 'string' ? s.command.split(/\s+/) : (s.command ?? []).map(String));

function portsOf(s: Service): { hostIp: string | undefined; published: string | undefined; target: number }[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return { hostIp: p.host_ip, published: p.published?.toString(), target: Number(p.target) };
    const m = /^(?:(\[[^\]]+\]|[\d.]+):)?(?:(\d+):)?(\d+)(?:\/\w+)?$/.exec(String(p));
    if (!m) throw new Error(`unreadable port mapping "${p}"`);
    return { hostIp: m[1], published: m[2], target: Number(m[3]) };
  });
}

/** An exact version (1.2.3, optionally with a suffix such as -bookworm-slim) or a digest. */
function isPinnedImage(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon > 0 && /^v?\d+\.\d+\.\d+/.test(name.slice(colon + 1));
}

function unpinnedImages(doc: Compose): string[] {
  return Object.entries(doc.services).flatMap(([name, s]) => {
    if (s.image === undefined) return s.build === undefined ? [`${name}: neither image nor build`] : [];
    return isPinnedImage(s.image) ? [] : [`${name}: image "${s.image}" is not pinned to an exact version`];
  });
}

function unpinnedBaseImages(dockerfile: string): string[] {
  const froms = [...dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim)];
  if (froms.length === 0) return ['no FROM line'];
  // A later stage may start FROM an earlier one by its name.
  const stages = new Set(froms.flatMap((m) => (m[2] ? [m[2]] : [])));
  return froms.map((m) => m[1]!).filter((ref) => !stages.has(ref) && !isPinnedImage(ref)).map((ref) => `FROM ${ref} is not pinned to an exact version`);
}

function kafkaProblems(doc: Compose): string[] {
  const kafka = doc.services.kafka;
  if (!kafka) return ['no kafka service'];
  const env = envOf(kafka);
  const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim());
  const named = (kafka.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0]! : (v.source ?? ''))).filter((v) => v in (doc.volumes ?? {}));
  return [
    ...(roles.includes('broker') && roles.includes('controller') ? [] : [`kafka: KAFKA_PROCESS_ROLES is "${env.KAFKA_PROCESS_ROLES}", not broker,controller (KRaft)`]),
    ...(env.KAFKA_CONTROLLER_QUORUM_VOTERS ? [] : ['kafka: no KAFKA_CONTROLLER_QUORUM_VOTERS']),
    ...Object.keys(env).filter((k) => k.startsWith('KAFKA_ZOOKEEPER')).map((k) => `kafka: ${k} (ZooKeeper mode)`),
    ...Object.entries(doc.services).filter(([n, s]) => /zookeeper/i.test(`${n} ${s.image ?? ''}`)).map(([n]) => `${n}: a ZooKeeper service`),
    ...(kafka.healthcheck?.test && !kafka.healthcheck.disable ? [] : ['kafka: no healthcheck']),
    ...(named.length > 0 ? [] : ['kafka: no named volume']),
  ];
}

function dependencyProblems(doc: Compose): string[] {
  const required: [string, string, string][] = [
    ['projector', 'kafka', 'service_healthy'],
    ['projector', 'topic-init', 'service_completed_successfully'],
    ['server', 'kafka', 'service_healthy'],
    ['server', 'topic-init', 'service_completed_successfully'],
    ['topic-init', 'kafka', 'service_healthy'],
  ];
  const problems = required.flatMap(([from, to, condition]) => {
    const s = doc.services[from];
    if (!s) return [`no ${from} service`];
    const got = dependsOf(s)[to];
    return got === condition ? [] : [`${from} depends on ${to} ${got ? `with ${got}` : 'not at all'}, expected ${condition}`];
  });
  const init = doc.services['topic-init'];
  if (init && init.restart !== 'no') problems.push(`topic-init: restart is "${init.restart}", a one-shot needs "no"`);
  return problems;
}

interface TopicCreate {
  topic?: string;
  partitions?: string;
  replicationFactor?: string;
  ifNotExists: boolean;
  configs: string[];
}

/** The `kafka-topics.sh --create` calls in a shell script. */
function topicCreates(script: string): TopicCreate[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .filter((t) => t.some((x) => x.endsWith('kafka-topics.sh')) && t.includes('--create'))
    .map((t) => {
      const value = (flag: string) => (t.includes(flag) ? t[t.indexOf(flag) + 1] : undefined);
      return {
        topic: value('--topic'),
        partitions: value('--partitions'),
        replicationFactor: value('--replication-factor'),
        ifNotExists: t.includes('--if-not-exists'),
        configs: t.flatMap((x, i) => (x === '--config' && t[i + 1] ? [t[i + 1]!] : [])),
      };
    });
}

function topicProblems(doc: Compose, topic: string, dlqTopic: string): string[] {
  const init = doc.services['topic-init'];
  if (!init) return ['no topic-init service'];
  const creates = topicCreates(commandOf(init).join('\n'));
  const events = creates.find((c) => c.topic === topic);
  const dlq = creates.find((c) => c.topic === dlqTopic);
  const overridden = Object.entries(doc.services).filter(([, s]) => (envOf(s).SEL104_KAFKA_TOPIC ?? topic) !== topic);
  return [
    ...(events ? [] : [`topic-init does not create ${topic} (created: ${creates.map((c) => c.topic).join(', ') || 'nothing'})`]),
    ...(events && !events.configs.includes('retention.ms=-1') ? [`${topic} is created without --config retention.ms=-1`] : []),
    ...(events && !/^\$\{SEL104_KAFKA_PARTITIONS:-\d+\}$/.test(events.partitions ?? '') ? [`${topic}: partitions "${events.partitions}" do not come from SEL104_KAFKA_PARTITIONS`] : []),
    ...(dlq ? [] : [`topic-init does not create ${dlqTopic}`]),
    ...creates.filter((c) => !c.ifNotExists).map((c) => `${c.topic} is created without --if-not-exists`),
    ...creates.filter((c) => c.replicationFactor !== '1').map((c) => `${c.topic}: replication factor ${c.replicationFactor}, one node has 1`),
    ...overridden.map(([n]) => `${n}: SEL104_KAFKA_TOPIC differs from the topic topic-init creates`),
  ];
}

/** SEL104_* names that the compose file hands to containers or interpolates, but the code does not read. */
function unreadEnvNames(doc: Compose, text: string, readByCode: ReadonlySet<string>): string[] {
  const given = Object.entries(doc.services).flatMap(([n, s]) => Object.keys(envOf(s)).map((k) => ({ name: k, where: n })));
  const interpolated = [...text.matchAll(/\$\{(SEL104_[A-Z0-9_]+)/g)].map((m) => ({ name: m[1]!, where: '${…}' }));
  return [...given, ...interpolated]
    .filter(({ name }) => name.startsWith('SEL104_') && !readByCode.has(name))
    .map(({ name, where }) => `${where}: ${name} is not read by the code`)
    .filter((p, i, all) => all.indexOf(p) === i);
}

/** SEL104_* names the code reads: process.env.X, env.X, env['X'], commander's .env('X'). */
function envNamesReadByCode(): Set<string> {
  const names = sourceFiles(SOURCE_DIRS, /\.ts$/).flatMap((f) => [...read(f).matchAll(/\benv(?:\.|\[\s*['"]|\(\s*['"])(SEL104_[A-Z0-9_]+)/g)].map((m) => m[1]!));
  return new Set(names);
}

function portProblems(doc: Compose, port: number): string[] {
  const server = doc.services.server;
  if (!server) return ['no server service'];
  const exposed = Object.entries(doc.services).flatMap(([n, s]) => portsOf(s).map((p) => ({ service: n, ...p })));
  const cmd = commandOf(server);
  const cmdPort = cmd.includes('--port') ? Number(cmd[cmd.indexOf('--port') + 1]) : port;
  return [
    ...(exposed.some((p) => p.service === 'server' && p.target === port) ? [] : [`server does not publish container port ${port}`]),
    ...exposed.filter((p) => p.hostIp !== '127.0.0.1').map((p) => `${p.service}: port ${p.target} is published on ${p.hostIp ?? 'every host address'}, not 127.0.0.1`),
    ...(cmdPort === port ? [] : [`server listens on --port ${cmdPort}, not ${port}`]),
    ...(JSON.stringify(server.healthcheck?.test ?? '').includes(`:${port}/healthz`) ? [] : [`server healthcheck does not fetch :${port}/healthz`]),
  ];
}

/** `--flag`s of a help text's Options section, with their descriptions (wrapped lines joined). */
function helpOptions(help: string): Map<string, string> {
  const options = new Map<string, string>();
  let last: string | undefined;
  for (const line of help.slice(help.indexOf('Options:')).split('\n').slice(1)) {
    if (!line.startsWith(' ')) break;
    const m = /^ {2}(?:-\w, )?(--[\w-]+)(.*)$/.exec(line);
    if (m) options.set((last = m[1]!), m[2]!.trim());
    else if (last) options.set(last, `${options.get(last)} ${line.trim()}`);
  }
  return options;
}

const helps = new Map<string, Map<string, string>>();
/** The options of `sel104 [command] --help`, from the real CLI. */
function help(command = ''): Map<string, string> {
  let h = helps.get(command);
  if (!h) {
    const args = [join(ROOT, 'bin', 'sel104.js'), ...(command ? [command] : []), '--help'];
    helps.set(command, (h = helpOptions(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }))));
  }
  return h;
}

/** Flags in the projector's and server's commands that neither the command nor the global options know. */
function unknownFlags(doc: Compose): string[] {
  return ['projector', 'server'].flatMap((name) => {
    const [command, ...args] = commandOf(doc.services[name] ?? {});
    if (!command) return [`${name}: no command`];
    return args.filter((a) => a.startsWith('--') && !help(command).has(a) && !help().has(a)).map((a) => `${name}: sel104 ${command} has no ${a}`);
  });
}

function codeDefaultTopic(): { topic: string; dlqTopic: string } {
  const text = sourceFiles(SOURCE_DIRS, /\.ts$/).map(read).join('\n');
  const topic = /DEFAULT_TOPIC\s*=\s*['"]([^'"]+)['"]/.exec(text)?.[1] ?? /SEL104_KAFKA_TOPIC\s*(?:\|\||\?\?)\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  if (!topic) throw new Error("no default Kafka topic in the sources: expected `export const DEFAULT_TOPIC = '…'` or `SEL104_KAFKA_TOPIC || '…'`");
  const suffix = /SEL104_KAFKA_DLQ_TOPIC\s*(?:\|\||\?\?)\s*`\$\{[^}]+\}([^`]+)`/.exec(text)?.[1];
  if (!suffix) throw new Error('no default dead-letter topic in the sources: expected `SEL104_KAFKA_DLQ_TOPIC || `${topic}.dlq``');
  return { topic, dlqTopic: `${topic}${suffix}` };
}

const dockerfile = read('Dockerfile');

describe('docker-compose.yml', () => {
  const doc = loadCompose();

  it('pins every image to an exact version, the Dockerfile base image too', () => {
    expect(unpinnedImages(doc)).toEqual([]);
    expect(unpinnedBaseImages(dockerfile)).toEqual([]);
    expect(doc.services.kafka?.image).toMatch(/^apache\/kafka:/);
  });

  it('runs Kafka in KRaft mode with a healthcheck and a named volume, no ZooKeeper', () => {
    expect(kafkaProblems(doc)).toEqual([]);
  });

  it('starts the projector and server after a healthy Kafka and a completed topic-init', () => {
    expect(dependencyProblems(doc)).toEqual([]);
  });

  it("creates the code's default topic and its dead-letter topic, never expiring", () => {
    const { topic, dlqTopic } = codeDefaultTopic();
    expect(topicProblems(doc, topic, dlqTopic)).toEqual([]);
  });

  it('hands the containers only SEL104_* names that the code reads', () => {
    expect(unreadEnvNames(doc, composeText, envNamesReadByCode())).toEqual([]);
  });

  it("publishes the server on the CLI's default port, on the host's loopback only", () => {
    const port = /\(default: (\d+)\)/.exec(help('serve').get('--port') ?? '')?.[1];
    expect(port, 'sel104 serve --help names no default --port').toBeDefined();
    expect(portProblems(doc, Number(port))).toEqual([]);
  });

  it('uses only flags that the real CLI accepts (sel104 <command> --help, and the global options)', () => {
    expect(unknownFlags(doc)).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const copied = new Set([...dockerfile.matchAll(/^COPY\s+(?:--\S+\s+)*(.+)\s+\S+$/gm)].flatMap((m) => m[1]!.split(/\s+/)).map((p) => p.replace(/\/$/, '')));
  const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string> };

  it('installs production dependencies only, tsx among them (bin/sel104.js runs the TypeScript through it)', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });

  it('copies every directory the runtime code reads, and the packages it imports are dependencies', () => {
    const files = sourceFiles(RUNTIME_DIRS.filter((d) => d !== 'standards'));
    const imports = files.flatMap((f) =>
      [...read(f).matchAll(/^(?:import|export)\s[\w\s{},*$]*?\bfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|\bnew URL\(\s*['"]([^'"]+)['"]/gms)].map((m) => ({
        file: f,
        spec: (m[1] ?? m[2] ?? m[3] ?? m[4])!,
      })),
    );
    const dirsRead = imports
      .filter(({ spec }) => spec.startsWith('.'))
      .map(({ file, spec }) => relative(ROOT, resolve(ROOT, dirname(file), spec)).split(sep)[0]!);
    const packages = imports
      .filter(({ spec }) => !spec.startsWith('.') && !spec.startsWith('node:'))
      .map(({ spec }) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
    expect(dirsRead).toContain('standards');
    expect(packages).toContain('tsx');
    expect([...new Set(dirsRead)].filter((d) => !copied.has(d))).toEqual([]);
    expect([...new Set(packages)].filter((p) => !(p in (pkg.dependencies ?? {})))).toEqual([]);
    expect(RUNTIME_DIRS.filter((d) => !copied.has(d))).toEqual([]);
  });

  it('runs as a non-root user with the CLI as entrypoint', () => {
    expect(dockerfile).toMatch(/^USER\s+(?!root\b|0\b)\S+/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/sel104\.js"\]/m);
    expect(dockerfile).toMatch(/^VOLUME \/data/m);
  });
});

describe('the checks catch a broken file', () => {
  const broken = (change: (d: Compose) => void): Compose => {
    const d = structuredClone(loadCompose());
    change(d);
    return d;
  };

  it.each([
    ['an image tagged latest', () => unpinnedImages(broken((d) => void (d.services.kafka!.image = 'apache/kafka:latest')))],
    ['an untagged image', () => unpinnedImages(broken((d) => void (d.services['topic-init']!.image = 'apache/kafka')))],
    ['a floating major tag', () => unpinnedImages(broken((d) => void (d.services.kafka!.image = 'apache/kafka:3')))],
    ['a floating Dockerfile base', () => unpinnedBaseImages(dockerfile.replace(/^FROM \S+/m, 'FROM node:20-bookworm-slim'))],
    ['a ZooKeeper service', () => kafkaProblems(broken((d) => void (d.services.zookeeper = { image: 'zookeeper:3.9.3' })))],
    ['a start order without conditions', () => dependencyProblems(broken((d) => void (d.services.projector!.depends_on = ['kafka', 'topic-init'])))],
    ['an expiring event topic', () => topicProblems(broken((d) => void (d.services['topic-init']!.command = commandOf(d.services['topic-init']!).map((c) => c.replaceAll('retention.ms=-1', 'retention.ms=604800000')))), 'sel104.events', 'sel104.events.dlq')],
    ['the server published on every address', () => portProblems(broken((d) => void (d.services.server!.ports = ['8104:8104'])), 8104)],
    ['a flag the CLI does not have', () => unknownFlags(broken((d) => void (d.services.projector!.command = [...commandOf(d.services.projector!), '--no-such-flag'])))],
    ['a name the code does not read', () => unreadEnvNames(broken((d) => void (d.services.server!.environment = { SEL104_NOT_READ: 'x' })), '', new Set(['SEL104_DB']))],
  ])('%s', (_what, check) => {
    expect(check().length).toBeGreaterThan(0);
  });
});
