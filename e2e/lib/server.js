// Starts `beacon demo` on a free loopback port with its own data directory,
// and stops it again. Each test file gets its own server and database.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

export function beaconBinary() {
  return process.env.BEACON_BIN || path.join(repoRoot, 'target', 'debug', 'beacon');
}

/**
 * @param {{ scale?: 'full' | 'small' }} [options] the demo's size; `full` is what `beacon demo` serves
 * @returns {Promise<{ url: string, accounts: Array<{council: string, role: string, email: string, password: string}>, stop: () => Promise<void>, log: () => string }>}
 */
export async function startDemo({ scale = 'full' } = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-e2e-'));
  const accountsFile = path.join(dataDir, 'accounts.json');
  const child = spawn(
    beaconBinary(),
    ['demo', '--bind', '127.0.0.1:0', '--data-dir', dataDir, '--accounts-json', accountsFile, '--scale', scale],
    // The demo subscribes to itself on 127.0.0.1, as Beacons in a closed network do.
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', BEACON_FEDERATION_PRIVATE_ADDRESSES: 'true' },
    },
  );
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`beacon demo did not report its address within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/Beacon demo is running at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`beacon demo exited with ${code} before listening:\n${output}`));
    });
  });
  const accounts = JSON.parse(await readFile(accountsFile, 'utf8'));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    accounts,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
