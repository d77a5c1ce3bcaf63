// HTTP/2 client on Node's http2 module, for Ringbolt's tests. One session (h2c by prior
// knowledge for http://, h2 by ALPN for https://): GET /plaintext, POST /echo of UPLOAD's
// bytes, and STREAMS concurrent GET /baseline2?a=i&b=3i. Prints one line per request
// ("path status body-or-length") and writes the echoed body to ECHOED.
// usage: node h2_client.js URL STREAMS UPLOAD ECHOED
'use strict';
const http2 = require('http2');
const fs = require('fs');

const [url, streamsArg, uploadPath, echoedPath] = process.argv.slice(2);
const streams = Number(streamsArg);
const upload = fs.readFileSync(uploadPath);
const session = http2.connect(url, { rejectUnauthorized: false });
session.on('error', (e) => { console.error('session error: ' + e); process.exit(2); });

function request(headers, body) {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined });
    let status = 0;
    const chunks = [];
    req.on('response', (h) => { status = h[':status']; });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
    req.on('error', reject);
    if (body !== undefined) {
      req.end(body);
    }
  });
}

(async () => {
  const lines = [];
  const plain = await request({ ':method': 'GET', ':path': '/plaintext' });
  lines.push('/plaintext ' + plain.status + ' ' + plain.body.toString());
  const echo = await request({ ':method': 'POST', ':path': '/echo', 'content-type': 'application/octet-stream',
    'content-length': String(upload.length) }, upload);
  fs.writeFileSync(echoedPath, echo.body);
  lines.push('/echo ' + echo.status + ' ' + echo.body.length);
  const all = [];
  for (let i = 0; i < streams; i++) {
    const path = '/baseline2?a=' + i + '&b=' + (3 * i);
    all.push(request({ ':method': 'GET', ':path': path }).then((r) => path + ' ' + r.status + ' ' + r.body.toString()));
  }
  for (const line of await Promise.all(all)) {
    lines.push(line);
  }
  console.log(lines.join('\n'));
  session.close();
})().catch((e) => { console.error('request failed: ' + e); process.exit(3); });
