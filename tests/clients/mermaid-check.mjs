#!/usr/bin/env node
// Checks Mermaid diagrams the way GitHub shows them: with the real `mermaid`
// package, in a real browser (headless Chromium driven by playwright-core).
//
//   node tests/clients/mermaid-check.mjs [--allow-empty] FILE...
//
// FILE is a Markdown file (every ```mermaid / ~~~mermaid fenced block in it is
// checked) or a .mmd / .mermaid file (the whole file is one diagram).
// Each diagram goes through mermaid.parse() and then mermaid.render(), so
// errors that only surface at layout time are caught too; a console error or
// an uncaught exception in the page while a diagram is checked fails it.
//
// Output: one line per diagram, `ok FILE#N` or `FAIL FILE#N: message`
// (N counts the file's diagrams from 1), then a summary line.
// A Markdown file without any mermaid block fails, unless --allow-empty.
// Exit: 0 all ok, 1 some diagram failed, 2 setup problem (usage, unreadable
// file, no browser, mermaid not loadable, overall time limit).
//
// Environment:
//   CHROMIUM               browser binary (default: /usr/bin/chromium, then chromium-browser)
//   MERMAID_CHECK_TIMEOUT  per-diagram limit in ms (default 20000)
//   MERMAID_CHECK_BUDGET   limit for the whole run in ms (default 60000 + 20000 per diagram)

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function setupFail(msg) {
  console.error(`mermaid-check: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
let allowEmpty = false;
const files = [];
for (const a of args) {
  if (a === '--allow-empty') allowEmpty = true;
  else if (a === '-h' || a === '--help') {
    console.log('usage: node mermaid-check.mjs [--allow-empty] FILE...');
    process.exit(0);
  } else if (a.startsWith('--')) setupFail(`unknown option ${a}`);
  else files.push(a);
}
if (files.length === 0) setupFail('usage: node mermaid-check.mjs [--allow-empty] FILE...');

// ---------------------------------------------------------------- extraction
// CommonMark fenced code blocks: an opening fence of >= 3 backticks or tildes,
// indented by at most 3 spaces, whose info string's first word is `mermaid`;
// closed by a fence of the same character at least as long, or by the end of
// the document. Content lines lose up to the opening fence's indentation.
export function extractMermaid(markdown) {
  const lines = markdown.split(/\r\n|\r|\n/);
  const blocks = [];
  let open = null; // { ch, len, indent, lang, line, body: [] }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open === null) {
      const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
      if (!m) continue;
      const info = m[3];
      if (m[2][0] === '`' && info.includes('`')) continue; // not a fence
      const lang = info.trim().split(/\s+/)[0] || '';
      open = { ch: m[2][0], len: m[2].length, indent: m[1].length, lang, line: i + 1, body: [] };
      continue;
    }
    const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
    if (close && close[1][0] === open.ch && close[1].length >= open.len) {
      if (open.lang.toLowerCase() === 'mermaid') blocks.push({ line: open.line, text: open.body.join('\n') });
      open = null;
      continue;
    }
    let strip = 0;
    while (strip < open.indent && line[strip] === ' ') strip++;
    open.body.push(line.slice(strip));
  }
  if (open !== null && open.lang.toLowerCase() === 'mermaid') {
    blocks.push({ line: open.line, text: open.body.join('\n') });
  }
  return blocks;
}

const diagrams = []; // { label, text }
for (const file of files) {
  let content;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    setupFail(`cannot read ${file}: ${e.message}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.mmd' || ext === '.mermaid') {
    diagrams.push({ label: `${file}#1`, text: content });
    continue;
  }
  const blocks = extractMermaid(content);
  if (blocks.length === 0 && !allowEmpty) {
    diagrams.push({ label: file, text: null, error: 'no ```mermaid block in this Markdown file' });
  }
  blocks.forEach((b, i) => diagrams.push({ label: `${file}#${i + 1}`, line: b.line, text: b.text }));
}

// ---------------------------------------------------------------- browser
const perDiagramMs = Number(process.env.MERMAID_CHECK_TIMEOUT || 20000);
const budgetMs = Number(process.env.MERMAID_CHECK_BUDGET || 60000 + 20000 * diagrams.length);

let browser = null;
let userDataDir = null;
async function cleanup() {
  if (browser) {
    const b = browser;
    browser = null;
    await Promise.race([b.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  if (userDataDir) {
    try {
      rmSync(userDataDir, { recursive: true, force: true });
    } catch {}
    userDataDir = null;
  }
}

// Never hang: the whole run has a budget; past it, give up with exit 2.
const watchdog = setTimeout(async () => {
  console.error(`mermaid-check: gave up after ${budgetMs} ms (MERMAID_CHECK_BUDGET)`);
  await cleanup();
  process.exit(2);
}, budgetMs);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(2);
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  setupFail(`playwright-core is not installed (run tests/clients/setup.sh): ${e.message}`);
}
let mermaidPath;
try {
  mermaidPath = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');
} catch (e) {
  setupFail(`mermaid is not installed (run tests/clients/setup.sh): ${e.message}`);
}
if (!existsSync(mermaidPath)) setupFail(`missing ${mermaidPath}`);
const mermaidVersion = JSON.parse(readFileSync(join(dirname(mermaidPath), '..', 'package.json'), 'utf8')).version;

const executablePath =
  process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!executablePath || !existsSync(executablePath)) {
  setupFail('no Chromium found (apt-get install chromium, or set CHROMIUM)');
}

// The page the diagrams are drawn in. Everything the page needs comes from
// local files; any request elsewhere is aborted so nothing waits on a network.
const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>mermaid-check</title></head><body></body></html>';

async function newPage(context) {
  const page = await context.newPage();
  const events = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') events.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => events.push(`uncaught exception: ${err.message}`));
  page.on('crash', () => events.push('page crashed'));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('about:')) return route.continue();
    events.push(`blocked request: ${url}`);
    return route.abort();
  });
  await page.setContent(PAGE_HTML);
  await page.addScriptTag({ path: mermaidPath });
  const ok = await page.evaluate(() => {
    if (typeof window.mermaid === 'undefined') return false;
    // GitHub draws diagrams itself, on demand, with mermaid's defaults.
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    return true;
  });
  if (!ok) throw new Error('mermaid did not load in the page');
  events.length = 0;
  return { page, events };
}

// Runs in the page: parse, then render, then sanity-check the SVG.
async function checkInPage({ id, text }) {
  const m = window.mermaid;
  try {
    const parsed = await m.parse(text);
    if (!parsed) return { error: 'mermaid.parse returned false' };
    const { svg } = await m.render(id, text);
    if (typeof svg !== 'string' || !svg.includes('<svg')) return { error: 'mermaid.render produced no SVG' };
    if (/aria-roledescription="error"/.test(svg) || /Syntax error in text/.test(svg)) {
      return { error: 'mermaid.render drew its error diagram' };
    }
    // mermaid.render leaves nothing behind in the page on success, but clear
    // the body anyway so one diagram cannot affect the next.
    document.body.innerHTML = '';
    return { type: parsed.diagramType || '?' };
  } catch (e) {
    document.body.innerHTML = '';
    const msg = (e && (e.message || e.str || String(e))) || 'unknown error';
    return { error: msg };
  }
}

function oneLine(s) {
  return String(s).replace(/\s+/g, ' ').trim().slice(0, 600);
}

let failed = 0;
let passed = 0;
try {
  userDataDir = mkdtempSync(join(tmpdir(), 'tmc-mermaid-check-'));
  const launchArgs = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${userDataDir}`,
  ];
  // playwright-core passes its own --user-data-dir unless launchPersistentContext
  // is used, so take that route to keep the fresh profile ours.
  let context;
  try {
    context = await withTimeout(
      chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: launchArgs.filter((a) => !a.startsWith('--user-data-dir') && a !== '--headless'),
        timeout: 30000,
      }),
      40000,
      'launching Chromium',
    );
  } catch (e) {
    setupFail(`cannot start ${executablePath}: ${oneLine(e.message)}`);
  }
  browser = context;
  let state;
  try {
    state = await withTimeout(newPage(context), 30000, 'loading mermaid into the page');
  } catch (e) {
    await cleanup();
    setupFail(`cannot load mermaid ${mermaidVersion}: ${oneLine(e.message)}`);
  }

  let n = 0;
  for (const d of diagrams) {
    n++;
    if (d.text === null) {
      failed++;
      console.log(`FAIL ${d.label}: ${d.error}`);
      continue;
    }
    state.events.length = 0;
    let result;
    try {
      result = await withTimeout(
        state.page.evaluate(checkInPage, { id: `mermaid-check-${n}`, text: d.text }),
        perDiagramMs,
        'parsing and rendering',
      );
      // Let late console messages from this diagram arrive before judging it.
      await withTimeout(state.page.evaluate(() => new Promise((r) => setTimeout(r, 0))), 5000, 'settling');
    } catch (e) {
      result = { error: oneLine(e.message) };
      // The page may be wedged (an endless layout loop); start a fresh one.
      try {
        await withTimeout(state.page.close(), 5000, 'closing page');
      } catch {}
      try {
        state = await withTimeout(newPage(context), 30000, 'reloading mermaid');
      } catch (e2) {
        console.log(`FAIL ${d.label}: ${result.error}`);
        await cleanup();
        setupFail(`cannot reload the page after a failure: ${oneLine(e2.message)}`);
      }
    }
    const where = d.line ? ` (block at line ${d.line})` : '';
    const problems = [];
    if (result.error) problems.push(result.error);
    problems.push(...state.events);
    if (problems.length > 0) {
      failed++;
      console.log(`FAIL ${d.label}: ${oneLine(problems.join('; '))}${where}`);
    } else {
      passed++;
      console.log(`ok ${d.label}`);
    }
  }
} finally {
  await cleanup();
}
clearTimeout(watchdog);
console.log(`mermaid-check: ${passed} ok, ${failed} failed (mermaid ${mermaidVersion}, ${executablePath})`);
process.exit(failed > 0 ? 1 : 0);
