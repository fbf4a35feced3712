import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.xml': 'application/xml', '.png': 'image/png',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

/**
 * A static file server for a site folder (the matrix page and allure-report/) on 127.0.0.1 only: the directory form of
 * the Allure report loads its data with fetch, which browsers refuse for file:// pages. Port 0 takes a free port.
 */
export async function serve(dir: string, port = 0): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    // URL parsing resolves "..", and normalize keeps the path inside dir.
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path);
    stat(file).then(async (s) => {
      if (s.isDirectory() && !path.endsWith('/')) {
        res.writeHead(301, { location: `${path}/` });
        res.end();
        return;
      }
      const target = s.isDirectory() ? join(file, 'index.html') : file;
      const body = await readFile(target);
      res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
      res.end(body);
    }).catch(() => { res.writeHead(404); res.end(); });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
