// The cluster test's hosts: network namespaces joined to this machine by veth pairs (10.231.N.0/24), and the local
// PostgreSQL made to listen on the host-side addresses; every change is written to a state file first, so a test that
// dies half-way is undone by `restoreCluster()` (scripts/test-cluster.sh calls it on exit, whatever happened).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

/** One simulated host: its namespace (null on the 127.0.0.1 fallback) and the address it reaches PostgreSQL at. */
export interface ClusterHost {
  name: string;
  namespace: string | null;
  /** This machine's end of the veth pair, where PostgreSQL listens for this host (127.0.0.1 on the fallback). */
  serverAddress: string;
}

/** Marks our pg_hba.conf line, so a restore removes exactly it. */
const HBA_MARK = "# mnist-lens cluster test";
const SUBNET = "10.231.0.0/16";
const STATE_FILE = path.resolve(".tmp/cluster-state.json");

interface ClusterState {
  namespaces: string[];
  /** listen_addresses as found, and whether it came from ALTER SYSTEM (postgresql.auto.conf) then. */
  listen?: { value: string; fromAutoConf: boolean };
  hbaFile?: string;
  serverUrl: string;
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function readState(): ClusterState | null {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, "utf8")) as ClusterState) : null;
}

function writeState(state: ClusterState): void {
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state));
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** "15 main": the local cluster pg_ctlcluster restarts (the one on the server URL's port). */
function localCluster(port: string): [string, string] {
  const line = run("pg_lsclusters", ["-h"])
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[2] === port);
  if (!line) throw new Error(`no local PostgreSQL cluster on port ${port} (pg_lsclusters)`);
  return [line[0]!, line[1]!];
}

/**
 * Restarts the server (listen_addresses is read only at start) and waits until `url` answers again; fast mode, so
 * other sessions are cut rather than waited for: seconds of outage for anyone else on the server.
 */
async function restartServer(url: string): Promise<void> {
  const [version, cluster] = localCluster(new URL(url).port || "5432");
  run("pg_ctlcluster", ["--skip-systemctl-redirect", "-m", "fast", version, cluster, "restart"]);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await withClient(url, (c) => c.query("SELECT 1"));
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not answer within 30 s of its restart: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Whether this process may create network namespaces (root with iproute2); the probe namespace is removed. */
export function namespacesAvailable(): boolean {
  const probe = `mnl-probe-${process.pid}`;
  try {
    run("ip", ["netns", "add", probe]);
    run("ip", ["netns", "del", probe]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `count` hosts: namespaces mnl-ns-N with a veth pair each (10.231.N.1 on this side, 10.231.N.2 inside), and the
 * server at `serverUrl` (on this machine) listening on 10.231.N.1 with a password line for the subnet in pg_hba.conf.
 * Without namespaces: `count` hosts that all reach the server at 127.0.0.1, nothing changed.
 */
export async function setUpCluster(serverUrl: string, count: number, useNamespaces: boolean): Promise<ClusterHost[]> {
  if (!useNamespaces)
    return Array.from({ length: count }, (_, i) => ({
      name: `host-${i + 1}`,
      namespace: null,
      serverAddress: "127.0.0.1",
    }));
  await restoreCluster();
  const state: ClusterState = { namespaces: [], serverUrl };
  const hosts: ClusterHost[] = [];
  for (let n = 1; n <= count; n++) {
    const ns = `mnl-ns-${n}`;
    state.namespaces.push(ns);
    writeState(state);
    run("ip", ["netns", "add", ns]);
    run("ip", ["link", "add", `mnl-h${n}`, "type", "veth", "peer", "name", `mnl-n${n}`]);
    run("ip", ["link", "set", `mnl-n${n}`, "netns", ns]);
    run("ip", ["addr", "add", `10.231.${n}.1/24`, "dev", `mnl-h${n}`]);
    run("ip", ["link", "set", `mnl-h${n}`, "up"]);
    run("ip", ["netns", "exec", ns, "ip", "addr", "add", `10.231.${n}.2/24`, "dev", `mnl-n${n}`]);
    run("ip", ["netns", "exec", ns, "ip", "link", "set", `mnl-n${n}`, "up"]);
    run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
    hosts.push({ name: `host-${n}`, namespace: ns, serverAddress: `10.231.${n}.1` });
  }
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ setting: string; sourcefile: string | null }>(
      "SELECT setting, sourcefile FROM pg_settings WHERE name = 'listen_addresses'",
    );
    const found = rows[0]!;
    const hba = (await client.query<{ hba_file: string }>("SHOW hba_file")).rows[0]!.hba_file;
    state.listen = { value: found.setting, fromAutoConf: (found.sourcefile ?? "").endsWith("postgresql.auto.conf") };
    state.hbaFile = hba;
    writeState(state);
    const text = readFileSync(hba, "utf8");
    writeFileSync(hba, `${text.endsWith("\n") ? text : `${text}\n`}host all all ${SUBNET} scram-sha-256 ${HBA_MARK}\n`);
    const addresses = [found.setting, ...hosts.map((h) => h.serverAddress)].join(",");
    await client.query(`ALTER SYSTEM SET listen_addresses = '${addresses.replace(/'/g, "")}'`);
  });
  await restartServer(serverUrl);
  return hosts;
}

/** Undoes whatever the state file records (namespaces, pg_hba.conf line, listen_addresses); safe to call twice. */
export async function restoreCluster(): Promise<string[]> {
  const state = readState();
  if (!state) return [];
  const undone: string[] = [];
  for (const ns of state.namespaces) {
    // Whatever still runs there (a worker the test could not stop) goes with it; deleting the namespace removes
    // its veth end, and with it this machine's end.
    try {
      for (const pid of run("ip", ["netns", "pids", ns]).split(/\s+/).filter(Boolean))
        process.kill(Number(pid), "SIGKILL");
      run("ip", ["netns", "del", ns]);
      undone.push(`namespace ${ns}`);
    } catch {
      // already gone
    }
  }
  if (state.hbaFile && existsSync(state.hbaFile)) {
    const text = readFileSync(state.hbaFile, "utf8");
    const kept = text
      .split("\n")
      .filter((line) => !line.endsWith(HBA_MARK))
      .join("\n");
    if (kept !== text) {
      writeFileSync(state.hbaFile, kept);
      undone.push("pg_hba.conf line");
    }
  }
  if (state.listen) {
    const listen = state.listen;
    const current = await withClient(state.serverUrl, async (client) => {
      if (listen.fromAutoConf)
        await client.query(`ALTER SYSTEM SET listen_addresses = '${listen.value.replace(/'/g, "")}'`);
      else await client.query("ALTER SYSTEM RESET listen_addresses");
      await client.query("SELECT pg_reload_conf()");
      return (await client.query<{ setting: string }>("SHOW listen_addresses")).rows[0]!.setting;
    });
    if (current !== listen.value) {
      await restartServer(state.serverUrl);
      undone.push(`listen_addresses back to '${listen.value}'`);
    }
  } else if (state.hbaFile) {
    await withClient(state.serverUrl, (client) => client.query("SELECT pg_reload_conf()"));
  }
  rmSync(STATE_FILE, { force: true });
  return undone;
}
