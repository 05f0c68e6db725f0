// A WebSocket server on the ws npm package (e2e/node-guards), started by
// e2e/audit_websocket_test.go: /any accepts a handshake from any Origin,
// /checked only from https://app.example.com (verifyClient); GET /events
// lists each accepted connection: its Origin, Cookie, the messages it got
// and its close code (1006: closed without a close frame).
import http from 'node:http';
import { WebSocketServer } from 'ws';
const events = [];
const server = http.createServer((req, res) => {
  if (req.url === '/events') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(events));
    return;
  }
  res.end('ok\n');
});
const anyOrigin = new WebSocketServer({ noServer: true });
const checked = new WebSocketServer({ noServer: true, verifyClient: ({ origin }) => origin === 'https://app.example.com' });
server.on('upgrade', (req, socket, head) => {
  const path = new URL(req.url, 'http://x').pathname;
  (path === '/checked' ? checked : anyOrigin).handleUpgrade(req, socket, head, (ws) => {
    const ev = { path, origin: req.headers.origin || '', cookie: req.headers.cookie || '', messages: 0, closed: null };
    events.push(ev);
    ws.on('message', () => { ev.messages++; });
    ws.on('close', (code) => { ev.closed = code; });
  });
});
server.listen({{port}}, '127.0.0.1');
