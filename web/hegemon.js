// The browser's Hegemon client: the protocol of docs/PROTOCOL.md (JSON text
// frames) over the gateway's WebSocket at /ws on the page's own origin.
//
//   const game = await connect();
//   await game.request('login', {role: 'spectator'});
//   game.onpush = (push) => ...;   // watch deltas, resync snapshots, demotions
//   game.onclose = (reason) => ...;
//
// request() resolves with the reply's `result` and rejects with an Error whose
// `code` is the protocol's error code (`unauthorized`, `forbidden`, ...).

export class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class Connection {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.onpush = null;
    this.onclose = null;
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(event.reason || `connection closed (${event.code})`);
  }

  request(type, fields = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      this.ws.send(JSON.stringify({...fields, id, type}));
    });
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;  // the server sends only JSON on a text connection; ignore noise
    }
    if (message.push !== undefined) {
      if (this.onpush) this.onpush(message);
      return;
    }
    const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined;
    if (waiting) {
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new RequestError(message.error.code, message.error.message));
      else waiting.resolve(message.result);
    } else if (message.error && this.onclose) {
      // An error without an id ends the session (shutdown, kick, revoked token).
      this.onclose(message.error.message);
    }
  }

  closed(reason) {
    for (const waiting of this.pending.values()) {
      waiting.reject(new RequestError('closed', reason));
    }
    this.pending.clear();
    if (this.onclose) this.onclose(reason);
  }

  close() {
    this.ws.close(1000);
  }
}

export function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/ws`);
  return new Promise((resolve, reject) => {
    ws.onerror = () => reject(new RequestError('closed', 'cannot reach the server'));
    ws.onopen = async () => {
      const connection = new Connection(ws);
      try {
        connection.hello = await connection.request('hello', {version: 1});
        resolve(connection);
      } catch (e) {
        reject(e);
      }
    };
  });
}

// Small DOM helpers shared by the pages (no framework: nothing to build).
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'style') {
      // Through the CSSOM: the Content-Security-Policy refuses style attributes.
      Object.assign(node.style, value);
    } else {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replaceChildren(node, children) {
  node.replaceChildren(...children);
}
