// The spectator's live map (/): the world from the `watch` snapshot, kept
// current by the per-tick deltas, drawn as the hex grid of `hegemon map`
// (pointy-top hexagons, odd rows shifted right by half a cell).
import {connect, element, replaceChildren} from '/hegemon.js';

const canvas = document.getElementById('map');
const context = canvas.getContext('2d');
const details = document.getElementById('details');
const kUnowned = '#9e9e9e';
const kFeedLength = 30;

const world = {
  geometry: [],          // [id, x, y, terrain]
  provinces: new Map(),  // id -> {owner, controller, development}
  nations: new Map(),    // id -> nation object (name, color, alive, ...)
  tick: 0,
};
let layout = null;  // hex size and offsets, from the geometry
let dirty = false;
let game = null;

function computeLayout() {
  let maxX = 0;
  let maxY = 0;
  for (const [, x, y] of world.geometry) {
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  // Width of a row: (maxX + 1.5) hex widths; height: (maxY * 0.75 + 1) hex heights.
  const byWidth = canvas.width / ((maxX + 1.5) * Math.sqrt(3));
  const byHeight = canvas.height / ((maxY * 1.5) + 2);
  layout = {radius: Math.min(byWidth, byHeight)};
}

function centre(x, y) {
  const r = layout.radius;
  const w = Math.sqrt(3) * r;
  return [x * w + (y % 2 ? w : w / 2), y * 1.5 * r + r];
}

function colourOf(nationId) {
  const nation = world.nations.get(nationId);
  return nation ? nation.color : kUnowned;
}

function hexPath(cx, cy, r) {
  context.beginPath();
  for (let i = 0; i < 6; ++i) {
    const angle = Math.PI / 180 * (60 * i - 90);
    context.lineTo(cx + r * Math.cos(angle), cy + r * Math.sin(angle));
  }
  context.closePath();
}

function draw() {
  dirty = false;
  if (!layout) return;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const r = layout.radius;
  let drawn = 0;
  for (const [id, x, y] of world.geometry) {
    const province = world.provinces.get(id);
    const [cx, cy] = centre(x, y);
    hexPath(cx, cy, r);
    context.fillStyle = colourOf(province ? province.owner : 0);
    context.fill();
    if (province && province.controller !== province.owner) {
      // Occupied: a ring in the occupier's colour.
      context.lineWidth = Math.max(1, r / 4);
      context.strokeStyle = colourOf(province.controller);
      context.stroke();
    }
    ++drawn;
  }
  canvas.dataset.provinces = String(drawn);
}

function scheduleDraw() {
  if (!dirty) {
    dirty = true;
    requestAnimationFrame(draw);
  }
}

function showHeader(tick, date) {
  world.tick = tick;
  document.getElementById('tick').textContent = String(tick);
  if (date) document.getElementById('date').textContent = date;
}

function showRanking() {
  const owned = new Map();
  for (const province of world.provinces.values()) {
    if (province.owner) owned.set(province.owner, (owned.get(province.owner) || 0) + 1);
  }
  const top = [...owned.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);
  replaceChildren(document.getElementById('ranking'), top.map(([id, count]) => {
    const nation = world.nations.get(id);
    return element('li', {},
                   element('span', {class: 'swatch', style: {background: colourOf(id)}}),
                   element('a', {href: '#', onclick: (e) => { e.preventDefault(); showNation(id); }},
                           nation ? nation.name : `nation ${id}`),
                   ` ${count}`);
  }));
}

function nationName(id) {
  const nation = world.nations.get(id);
  return nation ? nation.name : `nation ${id}`;
}

function addToFeed(tick, text) {
  const feed = document.getElementById('feed');
  feed.prepend(element('li', {}, element('span', {class: 'when'}, `${tick} `), text));
  while (feed.children.length > kFeedLength) feed.lastChild.remove();
}

function describe(event) {
  const d = event.data || {};
  if (event.type === 'war_declared') {
    return `${nationName(d.attacker)} declared war on ${nationName(d.defender)}`;
  }
  if (event.type === 'peace') {
    return d.winner ? `peace: ${nationName(d.winner)} wins war ${d.war}` :
                      `white peace ends war ${d.war}`;
  }
  if (event.type === 'nation_eliminated') return `${nationName(d.nation)} is no more`;
  return null;
}

function applySnapshot(snapshot) {
  world.provinces.clear();
  for (const [id, owner, controller, development] of snapshot.provinces) {
    world.provinces.set(id, {owner, controller, development});
  }
  for (const nation of snapshot.nations) {
    world.nations.set(nation.id, {...world.nations.get(nation.id), ...nation});
  }
  showHeader(snapshot.tick, snapshot.date);
  showRanking();
  scheduleDraw();
}

function applyDelta(delta) {
  for (const p of delta.provinces || []) {
    world.provinces.set(p.id, {owner: p.owner_id, controller: p.controller_id,
                               development: p.development});
  }
  for (const nation of delta.nations || []) {
    world.nations.set(nation.id, {...world.nations.get(nation.id), ...nation});
  }
  for (const event of delta.events || []) {
    const text = describe(event);
    if (text) addToFeed(delta.tick, text);
  }
  showHeader(delta.tick, delta.date);
  if ((delta.provinces || []).length) showRanking();
  scheduleDraw();
}

function row(label, value) {
  return element('tr', {}, element('th', {}, label), element('td', {}, value));
}

function nationLink(id) {
  if (!id) return 'nobody';
  return element('a', {href: '#', onclick: (e) => { e.preventDefault(); showNation(id); }},
                 nationName(id));
}

async function showProvince(id) {
  try {
    const p = await game.request('province', {province: id});
    replaceChildren(details, [element('table', {id: 'province-details', 'data-province': p.id},
                                      row('Province', p.name), row('Owner', nationLink(p.owner_id)),
                                      row('Controller', nationLink(p.controller_id)),
                                      row('Terrain', p.terrain), row('Development', p.development),
                                      row('Unrest', p.unrest))]);
  } catch (e) {
    replaceChildren(details, [e.message]);
  }
}

async function showNation(id) {
  try {
    const n = await game.request('nation', {nation: id});
    replaceChildren(details, [element('table', {id: 'nation-details', 'data-nation': n.id},
                                      row('Nation', n.name), row('Treasury', n.treasury),
                                      row('Stability', n.stability),
                                      row('Provinces', (n.provinces || []).length),
                                      row('Armies', (n.armies || []).length),
                                      row('At war', n.war_id ? `war ${n.war_id}` : 'no'))]);
  } catch (e) {
    replaceChildren(details, [e.message]);
  }
}

// The province under a click: the nearest centre within a hex radius.
function provinceAt(px, py) {
  let best = null;
  let bestDistance = Infinity;
  for (const [id, x, y] of world.geometry) {
    const [cx, cy] = centre(x, y);
    const distance = (cx - px) ** 2 + (cy - py) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = id;
    }
  }
  return bestDistance <= layout.radius ** 2 ? best : null;
}

canvas.addEventListener('click', (event) => {
  if (!layout) return;
  const box = canvas.getBoundingClientRect();
  const px = (event.clientX - box.left) * canvas.width / box.width;
  const py = (event.clientY - box.top) * canvas.height / box.height;
  const id = provinceAt(px, py);
  if (id !== null) showProvince(id);
});

async function pollStatus() {
  try {
    const status = await game.request('status');
    document.getElementById('speed').textContent = status.speed;
  } catch (e) { /* the connection's close handler reports it */ }
}

async function start() {
  const state = document.getElementById('connection');
  try {
    game = await connect();
    game.onclose = (reason) => { state.textContent = `disconnected: ${reason}`; };
    game.onpush = (push) => {
      if (push.push === 'delta') applyDelta(push);
      else if (push.push === 'snapshot') applySnapshot(push);
    };
    await game.request('login', {role: 'spectator'});
    const geometry = await game.request('geometry');
    world.geometry = geometry.provinces;
    for (const [id, name, color] of geometry.nations) world.nations.set(id, {id, name, color});
    computeLayout();
    applySnapshot(await game.request('watch'));
    state.textContent = 'live';
    pollStatus();
    setInterval(pollStatus, 2000);
  } catch (e) {
    state.textContent = `cannot watch: ${e.message}`;
  }
}

start();
