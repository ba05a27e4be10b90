// Reads Markdown as GitHub-flavoured Markdown with `marked` (GFM tables, no HTML sanitizing)
// and reports what a reader sees, so tests compare rendered text rather than escapes.
//
//   node markdown-check.mjs FILE...
//
// Prints one JSON line per file:
//   {"file", "blocks": [...], "errors": [...]}
// Each block is {"type", "text", "html"} (headings also "depth"); a table is
// {"type": "table", "header": [CELL], "rows": [[CELL]]}, each CELL {"text", "html"}.
// "text" is the rendered HTML as a reader reads it: `<br>` a line break, tags dropped,
// entities decoded. "errors" lists what a Markdown writer must not produce from names:
//   - raw HTML other than <br> (a name that became a tag; GitHub would drop or render it);
//   - emphasis, links or images made by the text (<em>, <strong>, <del>, <a>, <img>);
//   - a table row with another number of cells than its header (GFM drops or pads cells);
//   - a block of a kind not expected in tmc's output (a list, a quote, a code block, HTML).
// Exits 0 when every file was read (check "errors"), 2 on a setup problem.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let marked;
try {
  ({ marked } = require("marked"));
} catch (e) {
  console.error(`cannot load marked: ${e.message} (run tests/clients/setup.sh)`);
  process.exit(2);
}
marked.setOptions({ gfm: true });

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0" };

// The text a reader sees in a piece of rendered inline HTML.
function visible(html) {
  return html
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name) => {
      if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name] ?? whole;
    });
}

// Tags (opening ones) in rendered inline HTML that text must not have made.
function forbiddenTags(html) {
  const found = [];
  for (const [, name] of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)[^>]*>/g)) {
    if (!["br", "code"].includes(name.toLowerCase())) found.push(name);
  }
  return found;
}

// Raw HTML tokens under `tokens` (inline), but <br>.
function rawHtml(tokens, out = []) {
  for (const token of tokens ?? []) {
    if (token.type === "html" && !/^<br\s*\/?>$/i.test(token.raw.trim())) out.push(token.raw);
    rawHtml(token.tokens, out);
  }
  return out;
}

// The cells of a GFM table row's source line: split at `|` not escaped by a backslash.
function sourceCells(line) {
  let inner = line.trim();
  if (inner.startsWith("|")) inner = inner.slice(1);
  let count = 1;
  let escaped = false;
  let last = "";
  for (const c of inner) {
    if (c === "\\" && !escaped) {
      escaped = true;
    } else {
      if (c === "|" && !escaped) count += 1;
      escaped = false;
    }
    last = c;
  }
  // A closing pipe ends the row rather than opening a cell.
  if (last === "|" && !inner.endsWith("\\|")) count -= 1;
  return count;
}

function inline(tokens, where, errors) {
  const html = marked.Parser.parseInline(tokens ?? []);
  for (const raw of rawHtml(tokens)) errors.push(`${where}: raw HTML ${JSON.stringify(raw)}`);
  for (const tag of forbiddenTags(html)) errors.push(`${where}: <${tag}> in ${JSON.stringify(html)}`);
  return { text: visible(html), html };
}

function check(file) {
  const errors = [];
  const blocks = [];
  const source = readFileSync(file, "utf8");
  for (const token of marked.lexer(source)) {
    const at = `${blocks.length + 1}`;
    switch (token.type) {
      case "space":
        break;
      case "heading":
        blocks.push({ type: "heading", depth: token.depth, ...inline(token.tokens, `heading ${at}`, errors) });
        break;
      case "paragraph":
        blocks.push({ type: "paragraph", ...inline(token.tokens, `paragraph ${at}`, errors) });
        break;
      case "table": {
        const header = token.header.map((cell, i) => inline(cell.tokens, `table ${at} header ${i + 1}`, errors));
        const rows = token.rows.map((row, r) =>
          row.map((cell, i) => inline(cell.tokens, `table ${at} row ${r + 1} cell ${i + 1}`, errors)),
        );
        const lines = token.raw.split("\n").filter((line) => line.trim() !== "");
        lines.forEach((line, i) => {
          const n = sourceCells(line);
          if (n !== header.length) {
            errors.push(`table ${at} line ${i + 1} has ${n} cells, its header ${header.length}: ${line}`);
          }
        });
        blocks.push({ type: "table", header, rows });
        break;
      }
      default:
        errors.push(`block ${at}: unexpected ${token.type}: ${JSON.stringify(token.raw)}`);
        blocks.push({ type: token.type, text: token.raw, html: "" });
    }
  }
  return { file, blocks, errors };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node markdown-check.mjs FILE...");
  process.exit(2);
}
for (const file of files) {
  try {
    console.log(JSON.stringify(check(file)));
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
}
