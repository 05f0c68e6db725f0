// Express with the cors package, started by github.com/corskit/corskit/e2e/realserver
// (realserver.Express). Configured through the environment:
//
//   REALSERVER_CORS  the argument of cors(...), a JavaScript expression (usually an
//                    object literal); empty: cors() with the package's defaults.
//   REALSERVER_CODE  JavaScript run with `app`, `express` and `cors` in scope after
//                    app.use(cors(...)), to add routes or middleware.
//
// Every request no route answered gets 200 "ok". The server listens on a free
// port of 127.0.0.1 and prints PORT=<n> once it does.
'use strict';
const express = require('express');
const cors = require('cors');

const src = process.env.REALSERVER_CORS || '';
const options = src.trim() === '' ? undefined : Function('"use strict"; return (' + src + ');')();

const app = express();
app.use(options === undefined ? cors() : cors(options));
if (process.env.REALSERVER_CODE) {
  Function('app', 'express', 'cors', process.env.REALSERVER_CODE)(app, express, cors);
}
app.use((req, res) => { res.type('text/plain').send('ok\n'); });

const server = app.listen(0, '127.0.0.1', (err) => {
  if (err) { console.error(err); process.exit(1); }
  console.log('PORT=' + server.address().port);
});
process.on('SIGTERM', () => process.exit(0));
