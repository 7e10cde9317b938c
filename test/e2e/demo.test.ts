// Proof of `npm start` (`stakepool demo`), run as a child process the way a person runs it: it
// brings up the simnet and serves both faces on one origin with no config, prints what to do
// next, and the printed steps work as printed — the VSP purchase of the customer wallet, and the
// legacy pool's register → emailed link (printed on the terminal) → login → pubkey address from
// the legacy wallet → /address → purchaseticket → the ticket on /tickets. Ctrl-C then stops it
// cleanly. The demo's run directory lives in a private cache directory (the Decred binaries and
// the simnet snapshots linked in), so a person's own demo or simnet is never touched.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase } from '../../src/db/index.ts';
import { decredCacheDir } from '../../src/simnet/binaries.ts';
import type { SimnetState } from '../../src/simnet/harness.ts';
import { freePort } from '../../src/simnet/ports.ts';
import { commandLine, stopPid } from '../../src/simnet/processes.ts';
import { HttpBrowser, csrfOf } from './http-browser.ts';

/** The first run without a snapshot builds the chain (about 3 minutes). */
const STARTUP_MS = 480_000;
const STEP_MS = 60_000;
const EMAIL = 'demo-user@example.invalid';
const PASSWORD = 'correct horse battery';

/** The first printed line matching `re` (a command to copy), trimmed. */
function printedLine(out: string, re: RegExp): string {
  const line = out.split('\n').find((l) => re.test(l));
  assert.ok(line !== undefined, `the demo printed a line matching ${re}:\n${out}`);
  return line.trim();
}

describe('e2e: npm start (stakepool demo) serves both faces', { timeout: 900_000 }, () => {
  let cache: string;
  let runDir: string;
  let env: NodeJS.ProcessEnv;
  let url: string;
  let demo: ChildProcess;
  let out = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** Wait until the demo's output matches `re` (failing if it exits or time runs out). */
  async function waitForOutput(re: RegExp, ms: number, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(out.slice(from));
      if (m !== null) return m;
      assert.equal(demo.exitCode, null, `the demo exited early:\n${out}`);
      assert.ok(Date.now() < deadline, `no output matching ${re} in ${ms} ms:\n${out}`);
      await sleep(200);
    }
  }

  /** Run a printed shell command (npm run simnet -- ctl …) against the demo's simnet. */
  function shell(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'bash',
        ['-c', command],
        { env, cwd: process.cwd(), timeout: STEP_MS },
        (err, stdout, stderr) =>
          err === null
            ? resolve(stdout)
            : reject(new Error(`${command}: ${err.message}\n${stderr}`)),
      );
    });
  }

  /** The JSON a `ctl` call printed, after npm's own header lines. */
  function ctlResult(stdout: string): unknown {
    const start = stdout.search(/^[[{"]/m);
    assert.ok(start >= 0, `ctl printed JSON:\n${stdout}`);
    return JSON.parse(stdout.slice(start)) as unknown;
  }

  before(async () => {
    // A private cache: the demo's run directory is <cache>/simnet-run, next to links to the
    // real binaries and snapshots (a person's ~/.cache/stakepool/simnet-run stays untouched).
    cache = mkdtempSync(join(tmpdir(), 'stakepool-demo-e2e-'));
    const real = decredCacheDir();
    symlinkSync(real, join(cache, 'decred'));
    symlinkSync(join(real, '..', 'simnet-snapshots'), join(cache, 'simnet-snapshots'));
    runDir = join(cache, 'simnet-run');
    env = { ...process.env, STAKEPOOL_DECRED_CACHE: join(cache, 'decred') };
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    demo = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'demo', `--port=${port}`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exited = new Promise((resolve) =>
      demo.once('exit', (code, signal) => resolve({ code, signal })),
    );
    demo.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitForOutput(/Ctrl-C stops stakepool and the simnet/, STARTUP_MS);
  });

  after(async () => {
    if (demo !== undefined && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT');
      const done = await Promise.race([exited, sleep(STEP_MS).then(() => undefined)]);
      if (done === undefined) demo.kill('SIGKILL');
    }
    // Whatever a killed demo left running in its run directory (only processes of that dir).
    const stateFile = runDir === undefined ? undefined : join(runDir, 'state.json');
    if (stateFile !== undefined && existsSync(stateFile)) {
      const st = JSON.parse(readFileSync(stateFile, 'utf8')) as SimnetState;
      for (const pid of [...st.wallets.map((w) => w.pid), st.dcrd.pid]) {
        if (pid !== undefined && commandLine(pid)?.includes(runDir) === true) await stopPid(pid);
      }
    }
    if (cache !== undefined) rmSync(cache, { recursive: true, force: true });
  });

  it('prints what to do next for both faces', () => {
    assert.ok(out.includes(`stakepool is serving both faces at ${url}`), out);
    printedLine(out, /npm run simnet -- ctl customer purchaseticket default 1 1$/);
    assert.ok(out.includes(`${url}/register`), out);
    assert.ok(out.includes(`${url}/address`), out);
    printedLine(
      out,
      /npm run simnet -- ctl legacy validateaddress \$\(npm run -s simnet -- ctl legacy getnewaddress\)$/,
    );
    printedLine(out, /npm run simnet -- ctl legacy purchaseticket default /);
  });

  it('serves the home page, the legacy pages and both APIs on one origin', async () => {
    const b = new HttpBrowser(url, STEP_MS);
    const home = await b.get('/');
    assert.equal(home.status, 200);
    assert.ok(home.body.includes('href="/register"'), 'the home page links to /register');
    const info = await fetch(`${url}/api/v3/vspinfo`, { signal: AbortSignal.timeout(STEP_MS) });
    assert.equal(info.status, 200);
    const vsp = (await info.json()) as { network: string; pubkey: string };
    assert.equal(vsp.network, 'simnet');
    assert.ok(home.body.includes(vsp.pubkey), 'the home page shows the VSP key');
    assert.equal((await b.get('/register')).status, 200);
    const stats = await fetch(`${url}/api/v1/stats`, { signal: AbortSignal.timeout(STEP_MS) });
    assert.equal(((await stats.json()) as { status: string }).status, 'success');
  });

  it('buys a VSP ticket with the printed customer command', async () => {
    const cmd = printedLine(out, /npm run simnet -- ctl customer purchaseticket /);
    const hashes = ctlResult(await shell(cmd)) as string[];
    assert.equal(hashes.length, 1);
    assert.match(hashes[0]!, /^[0-9a-f]{64}$/);
  });

  it('takes the printed legacy steps: register, the printed email link, address, purchase', async () => {
    const b = new HttpBrowser(url, STEP_MS);
    const first = await b.get('/register');
    const database = createDatabase({
      engine: 'sqlite',
      sqlitePath: join(runDir, 'stakepool', 'data', 'simnet', 'stakepool.db'),
    });
    let digits: string | undefined;
    try {
      digits = await b.captchaDigits(database.db);
    } finally {
      await database.close();
    }
    assert.ok(digits !== undefined, 'a captcha was issued');
    const solved = await b.post('/verifyhuman', {
      csrf: csrfOf(first.body),
      captchaSolution: digits,
      return: '/register',
    });
    assert.equal(solved.status, 303);
    const form = await b.get('/register');
    const mark = out.length;
    const registered = await b.post('/register', {
      csrf: csrfOf(form.body),
      email: EMAIL,
      password: PASSWORD,
      passwordrepeat: PASSWORD,
    });
    assert.equal(registered.status, 303, registered.body);

    // No mail server: the demo prints the email, and its link on a line of its own.
    const printed = await waitForOutput(/>>> open this link: (\S+)/, STEP_MS, mark);
    assert.ok(out.slice(mark).includes(`email to ${EMAIL}`));
    const link = printed[1]!;
    assert.ok(link.startsWith(`${url}/emailverify?t=`), link);
    const verified = await b.get(link);
    assert.equal(verified.status, 303, verified.body);
    assert.equal(verified.location, '/login');
    const login = await b.get('/login');
    const res = await b.post('/login', {
      csrf: csrfOf(login.body),
      email: EMAIL,
      password: PASSWORD,
    });
    assert.equal(res.status, 303);

    const validate = printedLine(out, /npm run simnet -- ctl legacy validateaddress /);
    const info = ctlResult(await shell(validate)) as { pubkeyaddr?: string };
    assert.match(info.pubkeyaddr ?? '', /^Sk/);
    const page = await b.get('/address');
    const submitted = await b.post('/address', {
      csrf: csrfOf(page.body),
      UserPubKeyAddr: info.pubkeyaddr!,
    });
    assert.equal(submitted.status, 303, submitted.body);
    const shown = await b.get('/address');
    const m =
      /purchaseticket (?:&quot;|&#34;|")default(?:&quot;|&#34;|") \S+ \S+ (Sc\w+) \S+ (Ss\w+)/.exec(
        shown.body,
      );
    assert.ok(m !== null, `/address shows the purchaseticket command:\n${shown.body}`);
    const [, ticketAddress, feeAddress] = m;

    const purchase = printedLine(out, /npm run simnet -- ctl legacy purchaseticket /)
      .replace('<ticket address>', ticketAddress!)
      .replace('<fee address>', feeAddress!);
    const hashes = ctlResult(await shell(purchase)) as string[];
    assert.equal(hashes.length, 1);
    const hash = hashes[0]!;
    // The demo mines a block every few seconds; the pool finds the ticket by following the chain.
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      const tickets = await b.get('/tickets?group=immature');
      assert.equal(tickets.status, 200);
      if (tickets.body.includes(hash.slice(0, 16))) break;
      assert.ok(Date.now() < deadline, `ticket ${hash} on /tickets`);
      await sleep(1_000);
    }
  });

  it('stops cleanly on Ctrl-C', async () => {
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as SimnetState;
    demo.kill('SIGINT');
    const done = await Promise.race([exited, sleep(STEP_MS).then(() => undefined)]);
    assert.ok(done !== undefined, `the demo stopped within ${STEP_MS} ms:\n${out}`);
    assert.deepEqual(done, { code: 0, signal: null }, out);
    for (const pid of [state.dcrd.pid, ...state.wallets.map((w) => w.pid)]) {
      if (pid !== undefined) assert.equal(commandLine(pid)?.includes(runDir) ?? false, false);
    }
    assert.equal(existsSync(runDir), false, 'the run directory is removed');
  });
});
