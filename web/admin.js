// The operator's console (/admin). The admin token is kept in sessionStorage
// (this tab only, gone when it closes), never in the URL or a cookie, and is
// sent only inside the WebSocket's login request.
import {connect, element, replaceChildren} from '/hegemon.js';

const kTokenKey = 'hegemon-admin-token';
const kKillable = new Set(['nation', 'war', 'persistence']);
const kSamples = 120;

let game = null;
const phaseSamples = [];  // {nation, war, finish} of the last kSamples polls
let lastTick = -1;

const $ = (id) => document.getElementById(id);

function showResult(text, isError = false) {
  const result = $('result');
  result.textContent = text;
  result.classList.toggle('error', isError);
}

// Runs an admin request from a button; the outcome goes to the result line.
async function act(label, type, fields = {}) {
  try {
    const reply = await game.request(type, fields);
    showResult(`${label}: ${JSON.stringify(reply)}`);
    refresh();
    return reply;
  } catch (e) {
    showResult(`${label}: ${e.message}`, true);
    return null;
  }
}

function row(cells, attributes = {}) {
  return element('tr', attributes, ...cells.map((c) => element('td', {}, c ?? '')));
}

function header(names) {
  return element('tr', {}, ...names.map((n) => element('th', {}, n)));
}

function showStatus(s) {
  $('tick').textContent = s.tick;
  $('committed').textContent = s.committed_tick;
  $('date').textContent = s.date;
  $('speed').textContent = s.speed;
  const select = $('speed-select');
  if (document.activeElement !== select && [...select.options].some((o) => o.value === s.speed)) {
    select.value = s.speed;
  }
  const fields = [['ticks/s', s.ticks_per_second], ['commit ms', s.commit_ms],
                  ['uncommitted', s.uncommitted], ['nations', s.living_nations],
                  ['wars', s.active_wars], ['armies', s.armies], ['restarts', s.restarts],
                  ['clients', s.clients], ['last error', s.last_error || 'none'],
                  ['state hash', s.state_hash]];
  replaceChildren($('status'), fields.map(([k, v]) =>
      element('tr', {}, element('th', {}, k), element('td', {}, v ?? ''))));
  if (s.tick !== lastTick && s.phase_ms) {
    lastTick = s.tick;
    phaseSamples.push(s.phase_ms);
    if (phaseSamples.length > kSamples) phaseSamples.shift();
    drawPhases();
  }
}

function drawPhases() {
  const canvas = $('phases');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(1, ...phaseSamples.map((s) => s.nation + s.war + s.finish));
  const step = canvas.width / kSamples;
  const styles = getComputedStyle(document.documentElement);
  // Stacked: nation at the bottom, then war, then finish.
  for (const [phase, below] of [['finish', ['nation', 'war']], ['war', ['nation']],
                                ['nation', []]]) {
    g.fillStyle = styles.getPropertyValue(`--phase-${phase}`).trim() || '#888';
    g.beginPath();
    g.moveTo(0, canvas.height);
    phaseSamples.forEach((s, i) => {
      const total = below.reduce((sum, p) => sum + s[p], 0) + s[phase];
      g.lineTo(i * step, canvas.height - total / top * (canvas.height - 10));
    });
    g.lineTo((phaseSamples.length - 1) * step, canvas.height);
    g.closePath();
    g.fill();
  }
  g.fillStyle = '#333';
  g.fillText(`${top.toFixed(2)} ms`, 4, 10);
}

function actorButtons(actor) {
  if (!kKillable.has(actor.kind)) return '';
  const fields = actor.kind === 'persistence' ? {kind: actor.kind} :
                                                {kind: actor.kind, actor: actor.id};
  const who = `${actor.kind} ${actor.id ?? ''}`.trim();
  return element('span', {},
                 element('button', {class: 'kill', onclick: () => act(`kill ${who}`, 'kill', fields)},
                         'Kill'),
                 element('button', {class: 'restart',
                                    onclick: () => act(`restart ${who}`, 'restart', fields)},
                         'Restart'));
}

function showActors(actors) {
  replaceChildren($('actors'), [
    header(['kind', 'id', 'supervisor', 'generation', 'restarts', 'running', 'last crash', '']),
    ...actors.map((a) => {
      const tr = row([a.kind, a.id, a.supervisor, a.generation, a.restarts,
                      a.running ? 'yes' : 'no',
                      a.last_crash ? `${a.last_crash} (tick ${a.last_crash_tick})` : '',
                      actorButtons(a)],
                     {'data-kind': a.kind, 'data-id': a.id ?? ''});
      tr.children[3].className = 'generation';
      if (a.last_crash) tr.classList.add('crashed');
      return tr;
    })]);
}

function showClients(clients) {
  replaceChildren($('clients'), [
    header(['client', 'peer', 'role', 'nation', 'connected s', '']),
    ...clients.map((c) => row([c.client, c.peer, c.role, c.nation, c.connected_seconds,
                               element('button', {onclick: () => act(`kick ${c.client}`, 'kick',
                                                                     {client: c.client})},
                                       'Kick')]))]);
}

function showTokens(tokens) {
  replaceChildren($('tokens'), [
    header(['token', 'role', 'nation', 'created', 'revoked', '']),
    ...tokens.map((t) => row([t.token_id, t.role, t.nation, t.created_at, t.revoked ? 'yes' : '',
                              t.revoked ? '' :
                                  element('button', {onclick: () => act(`revoke ${t.token_id}`,
                                                                        'token_revoke',
                                                                        {token_id: t.token_id})},
                                          'Revoke')]))]);
}

function showEvents(events) {
  const items = events.slice(-50).reverse().map((e) =>
      // `audit`: a row of the server's own record (an incident), which the
      // server marks; the page keeps no list of its own.
      element('li', {class: e.audit ? 'incident' : ''},
              element('span', {class: 'when'}, `${e.tick} `), `${e.type} `,
              element('code', {}, JSON.stringify(e.data))));
  replaceChildren($('events'), items);
}

async function refresh() {
  if (!game) return;
  try {
    const [status, actors, clients, tokens, events] = await Promise.all([
      game.request('status'), game.request('actors'), game.request('clients'),
      game.request('tokens'), game.request('events')]);
    showStatus(status);
    showActors(actors);
    showClients(clients);
    showTokens(tokens);
    showEvents(events);
  } catch (e) {
    if (e.code !== 'closed') showResult(e.message, true);
  }
}

async function login(token) {
  const state = $('connection');
  game = await connect();
  game.onclose = (reason) => {
    state.textContent = `disconnected: ${reason}`;
    game = null;
  };
  await game.request('login', {role: 'admin', token});
  sessionStorage.setItem(kTokenKey, token);
  state.textContent = 'logged in';
  $('login').hidden = true;
  $('console').hidden = false;
  refresh();
  setInterval(refresh, 1000);
}

function wireControls() {
  $('pause').addEventListener('click', () => act('pause', 'pause'));
  $('resume').addEventListener('click', () => act('resume', 'resume'));
  $('speed-select').addEventListener('change', (e) => act('speed', 'speed',
                                                           {speed: e.target.value}));
  $('save').addEventListener('click', () => act('save', 'save'));
  $('save-as').addEventListener('click', () => act('save as', 'save_as',
                                                   {path: $('save-as-path').value}));
  $('rollback').addEventListener('click', () => {
    const tick = Number($('rollback-tick').value);
    if (confirm(`Roll the game back to tick ${tick}? Later ticks are removed.`)) {
      act('rollback', 'rollback', {tick});
    }
  });
  $('token-issue').addEventListener('click', async () => {
    const role = $('token-role').value;
    const fields = role === 'player' ? {role, nation: Number($('token-nation').value)} : {role};
    const issued = await act('issue token', 'token_issue', fields);
    // Shown once, as the server shows it once; it is not kept anywhere.
    $('token-issued').textContent = issued ? `token ${issued.token_id}: ${issued.token}` : '';
  });
  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await login($('token').value);
    } catch (e) {
      $('login-error').textContent = e.message;
      if (game) game.close();
      game = null;
    }
  });
}

wireControls();
const saved = sessionStorage.getItem(kTokenKey);
if (saved) login(saved).catch(() => sessionStorage.removeItem(kTokenKey));
