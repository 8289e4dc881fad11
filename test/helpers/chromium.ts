/**
 * Opens a page in headless Chromium (Debian's `chromium`) through the DevTools protocol over a pipe
 * (`--remote-debugging-pipe`: fd 3 in, fd 4 out, NUL-separated JSON), and reports what the page itself
 * did: console messages and exceptions, log entries, every network request it made, the rendered DOM
 * and a PNG screenshot. Chromium's own background traffic is not the page's and is not reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface PageRun {
  console: string[];
  requests: string[];
  dom: string;
  png: Buffer;
}

export async function openPage(
  url: string,
  opts: { width?: number; height?: number; dark?: boolean } = {},
): Promise<PageRun> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'rollout-chromium-'));
  const child: ChildProcess = spawn(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--no-first-run',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      `--window-size=${opts.width ?? 1280},${opts.height ?? 2000}`,
      'about:blank',
    ],
    // its own process group: the browser's helper processes (zygote, renderers) are killed with it
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true },
  );
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, (msg: { result?: unknown; error?: unknown }) => void>();
  const listeners: ((msg: { method?: string; params?: Record<string, unknown>; sessionId?: string }) => void)[] = [];
  let buf = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let i = buf.indexOf('\0');
    while (i >= 0) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (msg.id !== undefined) pending.get(msg.id)?.(msg);
      else for (const l of listeners) l(msg);
      i = buf.indexOf('\0');
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) =>
        m.error
          ? reject(new Error(`${method}: ${JSON.stringify(m.error)}`))
          : resolve(m.result as Record<string, unknown>),
      );
      input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const consoleLines: string[] = [];
    const requests: string[] = [];
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((r) => (loaded = r));
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params ?? {};
      if (m.method === 'Runtime.consoleAPICalled')
        consoleLines.push(`console.${p['type']}: ${JSON.stringify(p['args'])}`);
      if (m.method === 'Runtime.exceptionThrown')
        consoleLines.push(`exception: ${JSON.stringify(p['exceptionDetails'])}`);
      if (m.method === 'Log.entryAdded') {
        const e = p['entry'] as { level: string; text: string };
        consoleLines.push(`log.${e.level}: ${e.text}`);
      }
      if (m.method === 'Network.requestWillBeSent') requests.push((p['request'] as { url: string }).url);
      if (m.method === 'Page.loadEventFired') loaded();
    });
    for (const d of ['Page', 'Runtime', 'Log', 'Network']) await send(`${d}.enable`, {}, sessionId);
    if (opts.dark)
      await send(
        'Emulation.setEmulatedMedia',
        { features: [{ name: 'prefers-color-scheme', value: 'dark' }] },
        sessionId,
      );
    await send('Page.navigate', { url }, sessionId);
    await load;
    // a moment for late console messages or requests (images, fonts) to show up
    await new Promise((r) => setTimeout(r, 300));
    const dom = (await send(
      'Runtime.evaluate',
      { expression: 'document.documentElement.outerHTML', returnByValue: true },
      sessionId,
    )) as {
      result: { value: string };
    };
    const shot = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId)) as {
      data: string;
    };
    return { console: consoleLines, requests, dom: dom.result.value, png: Buffer.from(shot.data, 'base64') };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    }
    try {
      process.kill(-child.pid!, 'SIGKILL'); // helpers still writing into the profile
    } catch {
      // the group is gone already
    }
    // the profile is scratch: a helper that outlived the group must not fail the test that rendered
    for (let i = 0; i < 20; i++) {
      try {
        rmSync(profile, { recursive: true, force: true });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}
