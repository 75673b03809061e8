#!/usr/bin/env node
// The WebSocket port (issue #16) against Node's `ws` (npm), a client written
// by others: a real `hegemon serve --http-port 0`; an admin issues a player
// token; the player says hello, logs in with it, asks status, watches, and
// gets a delta that follows its snapshot; a spectator logs in without one.
// No node or no `ws` is a failure, not a skip: scripts/install_deps.sh
// installs both (ws with `npm ci` into tests/clients/node/node_modules).
//
// Usage: node_ws_test.js HEGEMON
'use strict';

const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

let WebSocket;
try {
  WebSocket = require(path.join(__dirname, 'node', 'node_modules', 'ws'));
} catch (e) {
  console.log('FAIL: Node\'s ws is not installed in tests/clients/node/node_modules ' +
              '(run scripts/install_deps.sh): ' + e.message);
  process.exit(1);
}

const hegemon = process.argv[2];
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hegemon-node-'));
const logPath = path.join(workdir, 'serve.log');
const adminToken = crypto.randomBytes(16).toString('hex');
let server;

function fail(message) {
  console.log('FAIL: ' + message);
  try {
    console.log(fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n'));
  } catch (e) { /* no log yet */ }
  if (server) server.kill('SIGKILL');
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForPort() {
  const end = Date.now() + 30000;
  for (;;) {
    const text = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '';
    const found = /websocket listening on ws:\/\/127\.0\.0\.1:(\d+)\/ws/.exec(text);
    if (found) return Number(found[1]);
    check(Date.now() < end && server.exitCode === null, 'the server did not come up');
    await sleep(50);
  }
}

// A connection with request/reply by id; pushes are queued apart.
function connect(port) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {maxPayload: 64 << 20});
    const pending = new Map();
    const pushes = [];
    let pushWaiter = null;
    ws.on('message', (data, isBinary) => {
      check(!isBinary, 'a binary message in a JSON session');
      const doc = JSON.parse(data.toString('utf8'));
      if (doc.push !== undefined) {
        pushes.push(doc);
        if (pushWaiter) pushWaiter();
      } else if (doc.id === null && doc.error !== undefined) {
        pushes.push({push: 'notice', error: doc.error});  // "server shutting down"
      } else if (pending.has(doc.id)) {
        pending.get(doc.id)(doc);
        pending.delete(doc.id);
      } else {
        fail('a reply to no request: ' + JSON.stringify(doc).slice(0, 200));
      }
    });
    ws.on('error', reject);
    ws.on('open', () => {
      let next = 1;
      resolve({
        ws,
        ask(type, fields = {}) {
          const id = next++;
          ws.send(JSON.stringify(Object.assign({id, type}, fields)));
          return new Promise((done) => pending.set(id, done)).then((reply) => {
            check(reply.error === undefined,
                  `${type} failed: ${JSON.stringify(reply.error)}`);
            return reply.result;
          });
        },
        async push(kind, timeoutMs = 15000) {
          const end = Date.now() + timeoutMs;
          for (;;) {
            const at = pushes.findIndex((p) => p.push === kind);
            if (at >= 0) return pushes.splice(0, at + 1).pop();
            check(Date.now() < end, `no ${kind} push within ${timeoutMs} ms`);
            await new Promise((r) => { pushWaiter = r; setTimeout(r, 200); });
          }
        },
      });
    });
  });
}

async function main() {
  const log = fs.openSync(logPath, 'w');
  server = childProcess.spawn(hegemon, [
    'serve', '--save', path.join(workdir, 'game.db'), '--seed', '5', '--provinces', '300',
    '--nations', '20', '--speed', '0', '--port', '0', '--metrics-port', '0',
    '--http-port', '0', '--admin-token', adminToken], {stdio: ['ignore', log, log]});
  const port = await waitForPort();

  const admin = await connect(port);
  check((await admin.ask('hello', {version: 1})).server === 'hegemon', 'admin hello');
  check((await admin.ask('login', {role: 'admin', token: adminToken})).role === 'admin',
        'admin login');
  const issued = await admin.ask('token_issue', {role: 'player', nation: 3});
  check(typeof issued.token === 'string' && issued.token.length >= 16, 'token_issue');

  const player = await connect(port);
  const hello = await player.ask('hello', {version: 1});
  check(hello.encoding === 'json', 'player hello: ' + JSON.stringify(hello));
  const login = await player.ask('login', {role: 'player', token: issued.token});
  check(login.role === 'player' && login.nation === 3, 'player login: ' + JSON.stringify(login));
  const status = await player.ask('status');
  check(Number.isInteger(status.tick), 'status: ' + JSON.stringify(status));
  const snapshot = await player.ask('watch');
  check(Array.isArray(snapshot.provinces) && snapshot.provinces.length === 300,
        'the snapshot has not the world\'s 300 provinces');
  await admin.ask('speed', {speed: 'max'});
  const delta = await player.push('delta');
  check(delta.tick === snapshot.tick + 1,
        `the first delta is of tick ${delta.tick}, not ${snapshot.tick + 1}`);
  await admin.ask('pause');

  const spectator = await connect(port);
  await spectator.ask('hello', {version: 1});
  check((await spectator.ask('login', {role: 'spectator'})).role === 'spectator',
        'spectator login');
  check(Number.isInteger((await spectator.ask('status')).tick), 'spectator status');

  // The server goes down: the open WebSockets are closed with 1001.
  const closed = new Promise((resolve) => player.ws.on('close', (code) => resolve(code)));
  server.kill('SIGTERM');
  const code = await Promise.race([closed, sleep(30000).then(() => 'none')]);
  check(code === 1001, `on SIGTERM the player's WebSocket closed with ${code}, not 1001`);
  await new Promise((resolve) => {
    if (server.exitCode !== null) resolve();
    else server.on('exit', resolve);
  });
  fs.rmSync(workdir, {recursive: true, force: true});
  console.log('ok: Node ws: hello, player login with an issued token, status, watch and a ' +
              'delta; spectator login; 1001 on shutdown');
}

main().catch((e) => fail(e.stack || String(e)));
