#!/usr/bin/env node
// Loads tmc's HTML pages (threat-model.html, index.html) in headless Chromium
// (playwright-core) from file:// URLs and reports what a reader would see.
//
//   node tests/clients/html-check.mjs [--filter NAME=VALUE]... [--sort HEADER] [--rows] PAGE.html...
//
// For each page, one JSON line on stdout:
//   { "page", "errors": [console errors, uncaught exceptions, requests that
//     left the page's own file], "title", "h1", "scripts" (number of <script>
//     elements), "filters_visible",
//     "focus": { "controls": number of controls reached with Tab, "sort_buttons": [{ "text",
//                "outline" }] },
//     "diagram": null | { "kind": "svg" | "mermaid", "missing": null | the sentence saying why
//                         there is no drawing, "toggle": null | { "natural_width", "fit",
//                         "actual", "back": { "label", "width", "scrolls" } } },
//     "threats": null | { "rows", "visible", "matching", "pages": null | "Page 1 of N",
//                         "count": the count's text,
//                         "filtered": { "NAME=VALUE": matching threats },
//                         "filtered_count": { "NAME=VALUE": the count's text },
//                         "sorted": null | { "header", "ascending": [...], "descending": [...] },
//                         "revealed": null | { "number", "hidden_before", "shown", "in_view",
//                                              "filter_after", "page" },
//                         "rows_html": null | [row markup...] },
//     "models": null | { "rows", "links": [href...] } }
// `matching` is the number of threats the filters let through (the count's
// `data-matching`); on a page without pages it must equal the visible rows, and
// on a page with pages (`#threat-pages`, a large model's) the visible rows are
// the first page of them. --filter selects VALUE in the page's `#filter-NAME`
// select, reports `matching`, and resets the filter. --sort clicks the header
// whose text is HEADER twice and reports each shown row's `data-value` of that
// column (or its text) after each click. --rows reports every threat's row, in
// order, as markup without the whitespace between cells: all of them, clicking
// Next until it is disabled when the page has pages. Tab is pressed from the top of the page
// through the sort buttons of the threat table (or through at most 80 controls): a control that
// has the focus without a visible outline is an error ("focus"). The diagram's "Actual size"
// button, when shown, is clicked twice, and the drawing's width (CSS px) and whether its frame
// scrolls are reported each time ("diagram"). Every page with two threats or more
// is also sent to `#threat-N` (N the last threat) while a status filter hides it ("revealed").
// Exit: 0 when every page was examined (the caller judges the report), 2 on a
// setup problem (usage, no browser, playwright-core missing, time limit).
//
// Environment:
//   CHROMIUM           browser binary (default: /usr/bin/chromium, then chromium-browser)
//   HTML_CHECK_BUDGET  limit for the whole run in ms (default 60000 + 20000 per page)

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

function setupFail(msg) {
  console.error(`html-check: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- arguments
const pages = [];
const filters = [];
let sortHeader = null;
let wantRows = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--filter') {
    const spec = args[++i] || '';
    if (!/^[a-z]+=[a-z_]+$/.test(spec)) setupFail(`--filter takes NAME=VALUE, not ${JSON.stringify(spec)}`);
    filters.push(spec);
  } else if (a === '--sort') {
    sortHeader = args[++i];
    if (!sortHeader) setupFail('--sort takes a header text');
  } else if (a === '--rows') {
    wantRows = true;
  } else if (a.startsWith('--')) setupFail(`unknown option ${a}`);
  else pages.push(resolve(a));
}
if (pages.length === 0) setupFail('usage: node html-check.mjs [--filter NAME=VALUE]... [--sort HEADER] PAGE.html...');
for (const page of pages) if (!existsSync(page)) setupFail(`no such file: ${page}`);

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  setupFail(`playwright-core is not installed (run tests/clients/setup.sh): ${e.message}`);
}
const executablePath =
  process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!executablePath || !existsSync(executablePath)) {
  setupFail('no Chromium found (apt-get install chromium, or set CHROMIUM)');
}

// ---------------------------------------------------------------- browser
const budgetMs = Number(process.env.HTML_CHECK_BUDGET || 60000 + 20000 * pages.length);
let context = null;
let userDataDir = null;
async function cleanup() {
  if (context) {
    const c = context;
    context = null;
    await Promise.race([c.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  if (userDataDir) {
    try {
      rmSync(userDataDir, { recursive: true, force: true });
    } catch {}
    userDataDir = null;
  }
}
const watchdog = setTimeout(async () => {
  console.error(`html-check: gave up after ${budgetMs} ms (HTML_CHECK_BUDGET)`);
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

function oneLine(s) {
  return String(s).replace(/\s+/g, ' ').trim().slice(0, 600);
}

async function examine(file) {
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console error: ${oneLine(msg.text())}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught exception: ${oneLine(err.message)}`));
  page.on('crash', () => errors.push('page crashed'));
  page.on('dialog', (dialog) => {
    errors.push(`dialog opened: ${oneLine(dialog.message())}`);
    dialog.dismiss().catch(() => {});
  });
  // The page must need nothing but itself: any other request is reported.
  page.on('request', (request) => {
    const u = request.url();
    if (u !== url && !u.startsWith('data:') && !u.startsWith('about:')) errors.push(`request: ${oneLine(u)}`);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  // Let late messages arrive.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));

  const report = await page.evaluate(() => {
    const form = document.getElementById('threat-filters');
    return {
      title: document.title,
      h1: (document.querySelector('h1') || {}).textContent || null,
      scripts: document.scripts.length,
      filters_visible: !!form && !form.hidden && form.offsetParent !== null,
    };
  });
  report.page = file;
  report.threats = null;
  report.models = null;

  // Keyboard focus: every control Tab reaches shows where the focus is.
  const sortButtons = await page.locator('#threat-table thead th button').count();
  report.focus = { controls: 0, sort_buttons: [] };
  for (let i = 0; i < 80 && report.focus.sort_buttons.length < sortButtons; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const cs = getComputedStyle(e);
      return {
        text: (e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40),
        name: e.tagName.toLowerCase() + (e.id ? `#${e.id}` : ''),
        outline: `${cs.outlineStyle} ${cs.outlineWidth}`,
        visible: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
        sort: !!e.closest('#threat-table thead th'),
      };
    });
    if (!focused) break;
    report.focus.controls++;
    if (!focused.visible) errors.push(`no focus outline on ${focused.name} "${focused.text}": ${focused.outline}`);
    if (focused.sort) report.focus.sort_buttons.push({ text: focused.text, outline: focused.outline });
  }

  // The diagram: what is shown, and its size fitted to the column and at its own size.
  report.diagram = await page.evaluate(() => {
    const frame = document.querySelector('#diagram .diagram');
    if (!frame) return null;
    const missing = document.getElementById('diagram-missing');
    return {
      kind: frame.querySelector('svg') ? 'svg' : frame.querySelector('pre.mermaid-source') ? 'mermaid' : null,
      missing: missing ? missing.textContent.replace(/\s+/g, ' ').trim() : null,
      toggle: null,
    };
  });
  const toggle = page.locator('#diagram-size');
  if (report.diagram && report.diagram.kind === 'svg' && (await toggle.count()) > 0 && (await toggle.isVisible())) {
    const size = () =>
      page.evaluate(() => {
        const frame = document.querySelector('#diagram .diagram');
        return {
          label: document.getElementById('diagram-size').textContent,
          width: Math.round(frame.querySelector('svg').getBoundingClientRect().width),
          scrolls: frame.scrollWidth > frame.clientWidth,
        };
      });
    const fit = await size();
    const natural = await page.evaluate(() => Math.round(document.querySelector('#diagram svg').width.baseVal.value));
    await toggle.click();
    const actual = await size();
    await toggle.click();
    const back = await size();
    report.diagram.toggle = { natural_width: natural, fit, actual, back };
  }

  const rows = page.locator('#threat-table tbody tr');
  if ((await page.locator('#threat-table').count()) > 0) {
    const paged = (await page.locator('#threat-pages').count()) > 0;
    const matching = () =>
      page.evaluate(() => {
        const count = document.getElementById('threat-count');
        const n = count && count.getAttribute('data-matching');
        return n === null || n === undefined ? null : Number(n);
      });
    const visible = () => page.locator('#threat-table tbody tr:visible').count();
    const threats = {
      rows: await rows.count(),
      visible: await visible(),
      matching: await matching(),
      pages: paged ? await page.locator('#threat-page').textContent() : null,
      count: await page.locator('#threat-count').textContent(),
      filtered: {},
      filtered_count: {},
      sorted: null,
      rows_html: null,
    };
    for (const spec of filters) {
      const [name, value] = spec.split('=');
      await page.selectOption(`#filter-${name}`, value);
      const [shown, matched] = [await visible(), await matching()];
      if (!paged && shown !== matched) errors.push(`${spec}: ${shown} rows visible, but the count says ${matched}`);
      threats.filtered[spec] = matched;
      threats.filtered_count[spec] = await page.locator('#threat-count').textContent();
      await page.selectOption(`#filter-${name}`, '');
    }
    if (sortHeader !== null) {
      const headers = await page.locator('#threat-table thead th').allTextContents();
      const column = headers.findIndex((h) => h.trim() === sortHeader);
      if (column < 0) {
        errors.push(`no header ${JSON.stringify(sortHeader)} among ${JSON.stringify(headers)}`);
      } else {
        const button = page.locator('#threat-table thead th').nth(column).locator('button');
        const keys = () =>
          page.evaluate((col) => {
            return Array.from(document.querySelectorAll('#threat-table tbody tr')).map((tr) => {
              const cell = tr.cells[col];
              const v = cell.getAttribute('data-value');
              return v === null ? cell.textContent.trim() : v;
            });
          }, column);
        await button.click();
        const ascending = await keys();
        await button.click();
        const descending = await keys();
        threats.sorted = { header: sortHeader, ascending, descending };
        // Back to report order.
        await page.reload({ waitUntil: 'load' });
      }
    }
    // A link to the last threat, followed while a status filter hides it: the filters are
    // cleared, the page holding it is shown and it is scrolled into view.
    threats.revealed = await page.evaluate(async () => {
      const select = document.getElementById('filter-status');
      const count = document.getElementById('threat-count');
      const total = Number(count && count.getAttribute('data-matching'));
      if (!select || !(total > 1)) return null;
      const island = document.getElementById('threat-data');
      let status;
      if (island) {
        const data = JSON.parse(island.textContent);
        status = data.statuses[data.threats[total - 1][8]][0];
      } else {
        status = document.getElementById(`threat-${total}`).getAttribute('data-status');
      }
      const other = Array.from(select.options).find((o) => o.value !== '' && o.value !== status);
      if (!other) return null;
      select.value = other.value;
      select.dispatchEvent(new Event('change'));
      const hidden = !document.getElementById(`threat-${total}`) ||
        document.getElementById(`threat-${total}`).offsetParent === null;
      const changed = new Promise((r) => window.addEventListener('hashchange', r, { once: true }));
      window.location.hash = `#threat-${total}`;
      await changed;
      await new Promise((r) => setTimeout(r, 50));
      const row = document.getElementById(`threat-${total}`);
      // In view: the row overlaps the viewport (scrollIntoView can leave its top a subpixel
      // above it).
      const box = row ? row.getBoundingClientRect() : { top: -1, bottom: -1 };
      return {
        number: total,
        hidden_before: hidden,
        shown: !!row && row.offsetParent !== null,
        in_view: box.bottom > 0 && box.top < window.innerHeight,
        filter_after: select.value,
        page: (document.getElementById('threat-page') || {}).textContent || null,
      };
    });
    // Back to report order, unfiltered, on the first page.
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    if (wantRows) {
      const shownRows = () =>
        page.evaluate(() =>
          Array.from(document.querySelectorAll('#threat-table tbody tr')).map((tr) => {
            const copy = tr.cloneNode(true);
            for (const node of Array.from(copy.childNodes)) {
              if (node.nodeType === Node.TEXT_NODE && node.textContent.trim() === '') node.remove();
            }
            return copy.outerHTML;
          }),
        );
      threats.rows_html = [];
      if (paged) {
        for (;;) {
          threats.rows_html.push(...(await shownRows()));
          const next = page.locator('#threat-pages button[data-page="next"]');
          if (await next.isDisabled()) break;
          await next.click();
        }
      } else {
        threats.rows_html = await shownRows();
      }
    }
    report.threats = threats;
  }
  if ((await page.locator('#models').count()) > 0) {
    report.models = {
      rows: await page.locator('#models tbody tr').count(),
      links: await page.locator('#models tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    };
  }
  // Anything the actions above logged counts too.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  report.errors = errors;
  await page.close();
  return report;
}

try {
  userDataDir = mkdtempSync(join(tmpdir(), 'tmc-html-check-'));
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
      timeout: 30000,
    });
  } catch (e) {
    setupFail(`cannot start ${executablePath}: ${oneLine(e.message)}`);
  }
  for (const file of pages) {
    let report;
    try {
      report = await examine(file);
    } catch (e) {
      report = { page: file, errors: [`could not examine the page: ${oneLine(e.message)}`] };
    }
    console.log(JSON.stringify(report));
  }
} finally {
  await cleanup();
}
clearTimeout(watchdog);
process.exit(0);
