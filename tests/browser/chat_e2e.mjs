// End-to-end test of tether-chat's page in Debian's headless Chromium: people
// in separate browser contexts name themselves, join a room, talk, and one of
// them vanishes without leaving: one closes the tab, another one's browser
// freezes, as if its network cable were pulled.
//
// Usage: node chat_e2e.mjs PATH/TO/tether-chat
// Exits 0 on success; on failure prints the failed step, saves screenshots
// and the server's log in a temporary folder and exits 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node chat_e2e.mjs PATH/TO/tether-chat');
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('playwright-core is missing: run `npm ci --prefix tests/browser`');
  process.exit(1);
}

// Every wait is bounded; the whole run has a ceiling below ctest's timeout.
const STEP_MS = 10_000;
const TOTAL_MS = 90_000;
const SERVER_START_MS = 15_000;
// The server must notice a vanished peer within ping interval + pong timeout.
const SERVER_ARGS = ['--port', '0', '--ping-interval', '1s', '--pong-timeout', '1s'];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const workDir = mkdtempSync(join(tmpdir(), 'tether-chat-e2e-'));
const pages = new Map(); // person -> page, for screenshots on failure
const pageErrors = []; // uncaught exceptions and requests to other origins
const consoleErrors = [];
let serverLog = '';
let server = null;
let browser = null;
let frozenServer = null; // a second Chromium, stopped with SIGSTOP

// -- helpers ------------------------------------------------------------------

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
  } catch (error) {
    // Playwright's first line says what timed out, a later one what it waited for.
    const lines = error.message.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    const waited = lines.find((line) => line.includes('waiting for')) || '';
    throw new Error(`step "${name}" failed: ${lines[0]} ${waited.trim()}`);
  }
  console.log(`ok - ${name} (${Date.now() - started} ms)`);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Starts the server and resolves with its base URL once it says where it listens.
function startServer() {
  const args = [...SERVER_ARGS, '--db', join(workDir, 'chat.db')];
  server = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const onOutput = (chunk) => {
      serverLog += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(serverLog);
      if (found) resolve(found[1]);
    };
    server.stdout.setEncoding('utf8').on('data', onOutput);
    server.stderr.setEncoding('utf8').on('data', (chunk) => { serverLog += chunk; });
    server.on('error', reject);
    server.on('exit', (code, signal) => {
      serverLog += `\n[tether-chat exited: code ${code}, signal ${signal}]\n`;
      reject(new Error(`tether-chat exited early (code ${code}, signal ${signal})`));
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error('tether-chat did not stop within 5 s of SIGTERM: killing it');
    server.kill('SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS };

// Stops every process of the Chromium behind a browser server this test
// launched. Playwright starts it as the leader of its own process group,
// which holds the renderers and the network service too; anything else is
// refused rather than guessed.
function freezeChromium(browserServer) {
  const pid = browserServer.process().pid;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  if (group !== pid) throw new Error(`Chromium ${pid} leads no process group`);
  process.kill(-pid, 'SIGSTOP');
}

// A person is one browser context: its own cookies, storage and connection.
async function openPage(person, url, inBrowser = browser) {
  const context = await inBrowser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (error) => pageErrors.push(`${person}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${person}: ${message.text()}`);
  });
  // The page is self-contained: everything it loads comes from the server.
  const origin = new URL(url).host;
  const foreign = (address) => !address.startsWith('data:') && new URL(address).host !== origin;
  page.on('request', (request) => {
    if (foreign(request.url())) pageErrors.push(`${person}: requested ${request.url()}`);
  });
  page.on('websocket', (socket) => {
    if (foreign(socket.url())) pageErrors.push(`${person}: opened ${socket.url()}`);
  });
  pages.set(person, page);
  await page.goto(url);
  await page.locator('#status[data-state="connected"]').waitFor();
  return { context, page };
}

async function pickNickname(page, nick) {
  await page.fill('#nick', nick);
  await page.click('#nick-submit');
}

async function joinRoom(page, room) {
  await page.fill('#room', room);
  await page.click('#join');
  await panel(page, room).waitFor();
}

function panel(page, room) {
  return page.locator(`section.panel[data-room="${room}"]`);
}

function member(page, room, nick) {
  return panel(page, room).locator('[data-testid=members] li', { hasText: exactly(nick) });
}

function logLine(page, room, text) {
  return panel(page, room).locator('[data-testid=messages] li', { hasText: text });
}

function presenceLine(page, room, nick, event) {
  return panel(page, room).locator(`li.presence[data-event="${event}"][data-nick="${nick}"]`);
}

function exactly(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function saveEvidence() {
  for (const [person, page] of pages) {
    if (page.isClosed()) continue;
    const file = join(workDir, `${person}.png`);
    try {
      await withTimeout(page.screenshot({ path: file, fullPage: true }), 5_000, 'screenshot');
      console.error(`screenshot of ${person}'s page: ${file}`);
    } catch (error) {
      console.error(`no screenshot of ${person}'s page: ${error.message}`);
    }
  }
  if (consoleErrors.length > 0) {
    console.error(`errors in the browser console:\n  ${consoleErrors.join('\n  ')}`);
  }
  const logFile = join(workDir, 'server.log');
  writeFileSync(logFile, serverLog);
  console.error(`server log: ${logFile}; its last lines:`);
  console.error(serverLog.split('\n').slice(-15).join('\n'));
}

// -- the scenario -------------------------------------------------------------

async function scenario() {
  let url;
  await step('tether-chat starts and prints its URL', async () => {
    url = await withTimeout(startServer(), SERVER_START_MS, 'starting tether-chat');
  });
  await step('Chromium starts', async () => {
    browser = await chromium.launch(LAUNCH);
  });

  let alice, bob, carol;
  await step('alice and bob open the page and connect', async () => {
    alice = await openPage('alice', url);
    bob = await openPage('bob', url);
  });
  await step('alice and bob pick nicknames', async () => {
    await pickNickname(alice.page, 'alice');
    await pickNickname(bob.page, 'bob');
    await alice.page.locator('#me', { hasText: exactly('alice') }).waitFor();
    await bob.page.locator('#me', { hasText: exactly('bob') }).waitFor();
  });
  await step('both join lobby and alice sees bob present', async () => {
    await joinRoom(alice.page, 'lobby');
    await joinRoom(bob.page, 'lobby');
    await member(alice.page, 'lobby', 'bob').waitFor();
    await member(bob.page, 'lobby', 'alice').waitFor();
    await presenceLine(alice.page, 'lobby', 'bob', 'join').waitFor();
  });
  await step('bob sees what alice says', async () => {
    await alice.page.fill('#text', 'hello from alice');
    await alice.page.click('#send');
    await logLine(bob.page, 'lobby', 'hello from alice').waitFor();
    await logLine(alice.page, 'lobby', 'hello from alice').waitFor();
  });
  await step('markup in a message is shown as text', async () => {
    const text = '<img src=x onerror="window.injected=1"><b>bold</b>';
    await bob.page.fill('#text', text);
    await bob.page.click('#send');
    await logLine(alice.page, 'lobby', text).waitFor();
    const injected = await alice.page.evaluate(() =>
      document.querySelectorAll('[data-testid=messages] img, [data-testid=messages] b').length);
    if (injected !== 0) throw new Error(`${injected} elements were injected into the log`);
  });

  await step('a nickname in use is refused visibly', async () => {
    carol = await openPage('carol', url);
    await pickNickname(carol.page, 'alice');
    await carol.page.locator('#error', { hasText: 'nick_taken' }).waitFor();
    await carol.page.locator('#nick-form').waitFor();
  });
  await step('after the error the same connection takes another nickname', async () => {
    await pickNickname(carol.page, 'carol');
    await carol.page.locator('#me', { hasText: exactly('carol') }).waitFor();
    await carol.page.locator('#error').waitFor({ state: 'hidden' });
  });
  await step('a late joiner gets the history', async () => {
    await joinRoom(carol.page, 'lobby');
    await logLine(carol.page, 'lobby', 'hello from alice').waitFor();
    await member(carol.page, 'lobby', 'bob').waitFor();
  });

  await step('bob vanishes without leaving; alice sees him go', async () => {
    // Closing the context tears the page down without a `leave`.
    await bob.context.close();
    await member(alice.page, 'lobby', 'bob').waitFor({ state: 'detached' });
    await presenceLine(alice.page, 'lobby', 'bob', 'leave').waitFor();
    await member(alice.page, 'lobby', 'carol').waitFor();
  });

  await step('dave\'s browser freezes; the heartbeat drops him', async () => {
    // A browser of its own, since freezing it must not freeze alice.
    // Playwright's own endpoint for it listens on loopback only.
    frozenServer = await chromium.launchServer({ ...LAUNCH, host: '127.0.0.1' });
    const daveBrowser = await chromium.connect(frozenServer.wsEndpoint());
    const dave = await openPage('dave', url, daveBrowser);
    await pickNickname(dave.page, 'dave');
    await joinRoom(dave.page, 'lobby');
    await member(alice.page, 'lobby', 'dave').waitFor();
    pages.delete('dave'); // a stopped page cannot take a screenshot
    // Its sockets stay open but nothing answers the server's pings any more.
    freezeChromium(frozenServer);
    await member(alice.page, 'lobby', 'dave').waitFor({ state: 'detached' });
    await presenceLine(alice.page, 'lobby', 'dave', 'leave').waitFor();
  });

  await step('the page shows a lost connection and offers to reconnect', async () => {
    await stopServer();
    await alice.page.locator('#status[data-state="disconnected"]').waitFor();
    await alice.page.locator('#reconnect').waitFor();
  });

  if (pageErrors.length > 0) {
    throw new Error(`the pages went wrong:\n  ${pageErrors.join('\n  ')}`);
  }
}

// -- main ---------------------------------------------------------------------

const started = Date.now();
let failed = false;
try {
  await withTimeout(scenario(), TOTAL_MS, 'the whole test');
} catch (error) {
  failed = true;
  console.error(`FAIL: ${error.message}`);
  await saveEvidence();
} finally {
  // SIGKILL ends the stopped processes too: no need to wake them first.
  if (frozenServer) {
    await withTimeout(frozenServer.kill(), 10_000, 'killing the frozen Chromium')
      .catch((error) => console.error(error.message));
  }
  if (browser) {
    await withTimeout(browser.close(), 10_000, 'closing Chromium').catch((error) => {
      console.error(error.message);
    });
  }
  await stopServer();
}

if (failed) {
  console.error(`kept ${workDir}`);
  process.exit(1);
}
rmSync(workDir, { recursive: true, force: true });
console.log(`PASS: chat in headless Chromium (${Date.now() - started} ms)`);
