/**
 * Where a private containerd keeps its files, and the config.toml (version 2, containerd 1.6) that
 * keeps it apart from any other containerd on the machine: its own root, state, sockets, runc root,
 * CNI directories and streaming port.
 */
import { join } from 'node:path';

/** Files and directories of one containerd instance, derived from its two base directories. */
export interface ContainerdPaths {
  stateDir: string;
  runDir: string;
  /** config.toml, rewritten at every launch. */
  config: string;
  /** containerd's stdout+stderr. */
  log: string;
  /** Persistent root: content store, snapshots, metadata. */
  root: string;
  /** Volatile state: shim bundles, CRI sandbox state, pod netns mounts. */
  state: string;
  /** gRPC socket (CRI and containerd's own API). */
  socket: string;
  /** Pid of the containerd we launched. */
  pidFile: string;
  /** runc's state root (runtime option Root); containers live in `<runcRoot>/<namespace>/<id>`. */
  runcRoot: string;
  /** Registry host configs (`<host>/hosts.toml`), the CRI plugin's registry config_path. */
  registryHostsDir: string;
}

/** The layout used by startContainerd and cleanupNode for the given directories. */
export function containerdPaths(stateDir: string, runDir: string): ContainerdPaths {
  return {
    stateDir,
    runDir,
    config: join(stateDir, 'config.toml'),
    log: join(stateDir, 'containerd.log'),
    root: join(stateDir, 'root'),
    state: join(runDir, 'state'),
    socket: join(runDir, 'containerd.sock'),
    pidFile: join(runDir, 'containerd.pid'),
    runcRoot: join(runDir, 'runc'),
    registryHostsDir: join(stateDir, 'certs.d'),
  };
}

/** What goes into config.toml besides the paths. */
export interface ContainerdConfigInput {
  paths: ContainerdPaths;
  sandboxImage: string;
  cniConfDir: string;
  cniBinDir: string;
  /** 127.0.0.1 port of the CRI streaming server (exec/attach/port-forward URLs). */
  streamPort: number;
}

// Plugins a kubelet node never uses. Skipping them avoids their probes at start and their
// directories under root. (io.containerd.runtime.v1.linux must stay: tasks-service, which CRI
// needs, refuses to load without it in 1.6.)
const DISABLED_PLUGINS = [
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.tracing.processor.v1.otlp',
  'io.containerd.internal.v1.tracing',
  // opt installs binaries under /opt/containerd, shared by every instance.
  'io.containerd.internal.v1.opt',
  // restart monitor: for `ctr` containers with restart labels; CRI restarts nothing itself.
  'io.containerd.internal.v1.restart',
];

/** TOML basic strings share JSON's escapes for everything that can occur in a path or URL. */
const s = (v: string): string => JSON.stringify(v);

/** Registries the mirror answers for: Docker Hub, registry.k8s.io, and the mirror's own host. */
export function mirroredRegistries(mirror: string): string[] {
  const host = new URL(mirror).host;
  const hosts = ['docker.io', 'registry-1.docker.io', 'registry.k8s.io', 'k8s.gcr.io', host];
  // 127.0.0.1:5000 and localhost:5000 name the same registry; an image may use either.
  if (host.startsWith('127.0.0.1:')) hosts.push(host.replace('127.0.0.1', 'localhost'));
  if (host.startsWith('localhost:')) hosts.push(host.replace('localhost', '127.0.0.1'));
  return [...new Set(hosts)];
}

/** The whole config.toml text. */
export function renderContainerdConfig(c: ContainerdConfigInput): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    '# Written by k8ts at every containerd start; edits are overwritten.',
    'version = 2',
    `root = ${s(c.paths.root)}`,
    `state = ${s(c.paths.state)}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(s).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${s(c.paths.socket)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${s(c.sandboxImage)}`,
    // Without CAP_SYS_RESOURCE the sandbox's default oom_score_adj (-998) makes runc fail every
    // RunPodSandbox ("can't get final child's PID from pipe: EOF"); this clamps it to ours.
    '  restrict_oom_score_adj = true',
    '  stream_server_address = "127.0.0.1"',
    `  stream_server_port = ${s(String(c.streamPort))}`,
    '  enable_tls_streaming = false',
    // Pod network namespaces under this instance's state dir instead of the shared /var/run/netns,
    // so instances never see each other's and cleanup finds them by path.
    '  netns_mounts_under_state_dir = true',
    '',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  Root = ${s(c.paths.runcRoot)}`,
    // cgroupfs driver: this machine mounts cgroup v1 hierarchies and runs no systemd.
    '  SystemdCgroup = false',
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${s(c.cniBinDir)}`,
    `  conf_dir = ${s(c.cniConfDir)}`,
    '  max_conf_num = 1',
  ];
  // Registries are configured by hosts.toml files (see registryHostsFiles), not registry.mirrors:
  // with mirrors, containerd 1.6 falls back to the real registry when the mirror lacks an image,
  // which means DNS lookups and connections leaving the machine and a slower, misleading error.
  lines.push('', `[${cri}.registry]`, `  config_path = ${s(c.paths.registryHostsDir)}`);
  return lines.join('\n') + '\n';
}

/**
 * hosts.toml per mirrored registry (relative path -> content): the mirror is the registry's only
 * server, over plain HTTP, so a pull never goes anywhere else.
 */
export function registryHostsFiles(mirror: string): Map<string, string> {
  const url = mirror.replace(/\/+$/, '');
  const files = new Map<string, string>();
  for (const host of mirroredRegistries(url)) {
    // containerd 1.6 rejects a hosts.toml without a [host] table ("invalid `host` tree"), so the
    // mirror is named twice: as the host to try and as the server (the fallback) too.
    files.set(join(host, 'hosts.toml'), `# Written by k8ts: ${host} is served by the local mirror only.\nserver = ${s(url)}\n\n[host.${s(url)}]\n  capabilities = ["pull", "resolve"]\n`);
  }
  return files;
}

/** The streaming port recorded in an existing config.toml (to describe a containerd we reuse). */
export function streamPortOf(configText: string): number | undefined {
  const m = /^\s*stream_server_port\s*=\s*"(\d+)"/m.exec(configText);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
