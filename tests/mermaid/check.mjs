// Parses every ```mermaid block of the Markdown files named on the command line with Mermaid's
// own parser (the one GitHub and Azure DevOps render with), in Node under jsdom. Prints one line
// per block and exits 1 if any fails to parse. Used by tests/integration/mermaid.rs and .ci/run.
//
//   node tests/mermaid/check.mjs examples/*/runbook.md
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ["DOMParser", "Element", "HTMLElement", "Node", "navigator", "SVGElement"]) {
  if (!(key in globalThis)) {
    Object.defineProperty(globalThis, key, { value: dom.window[key], configurable: true });
  }
}
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

// The opening fence may be indented up to three spaces and longer than three backticks; the
// block ends at a closing fence at least as long (CommonMark).
function blocks(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,})\s*mermaid\s*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence}\`*\\s*$`).test(lines[j])) {
      body.push(lines[j]);
      j++;
    }
    out.push({ line: i + 1, text: body.join("\n"), closed: j < lines.length });
    i = j;
  }
  return out;
}

let failed = 0;
let count = 0;
for (const file of process.argv.slice(2)) {
  for (const block of blocks(readFileSync(file, "utf8"))) {
    count++;
    const where = `${file}:${block.line}`;
    if (!block.closed) {
      console.log(`${where}: error: the mermaid block is not closed`);
      failed++;
      continue;
    }
    try {
      const result = await mermaid.parse(block.text);
      console.log(`${where}: ok (${result.diagramType})`);
    } catch (e) {
      failed++;
      const message = String(e && e.message ? e.message : e).split("\n").join(" | ");
      console.log(`${where}: error: ${message}`);
    }
  }
}
console.log(`${count} mermaid block(s), ${failed} failed`);
process.exit(failed > 0 || count === 0 ? 1 : 0);
