// Renders .netpol files to HTML with the TextMate grammar, the way VS Code
// tokenises them, coloured by a small dark theme of this project's own
// (standard TextMate scope roots, so any theme colours them the same way).
// tests/editors/screenshot.sh turns the page into editors/screenshot.png.
//
// Usage: node tests/editors/screenshot.mjs OUT.html FILE [FILE...]

import fs from "node:fs";
import path from "node:path";
import { root, loadGrammar, tokenize } from "./tmlib.mjs";

// Scope prefix -> style; the longest prefix of the innermost scope wins.
const theme = {
  comment: "color:#6a9955",
  "comment.line.number-sign.documentation": "color:#6a9955;font-style:italic",
  "keyword.control": "color:#c586c0",
  "keyword.operator": "color:#d4d4d4",
  "storage.type": "color:#569cd6",
  "variable.other.constant": "color:#4fc1ff",
  "variable.parameter": "color:#9cdcfe",
  "entity.name.type.category": "color:#4ec9b0",
  "entity.name.namespace": "color:#e5c07b",
  "entity.name.function": "color:#dcdcaa",
  "entity.name.service": "color:#e5c07b",
  "entity.other.attribute-name": "color:#9cdcfe",
  "constant.numeric": "color:#b5cea8",
  "constant.other.port": "color:#b5cea8",
  "constant.language": "color:#569cd6",
  "constant.character.escape": "color:#d7ba7d",
  string: "color:#ce9178",
  "invalid.illegal": "color:#f44747;text-decoration:underline wavy #f44747",
};

function style(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i].replace(/\.netpol$/, "");
    let best = null;
    for (const prefix of Object.keys(theme))
      if ((scope === prefix || scope.startsWith(prefix + ".")) && (!best || prefix.length > best.length))
        best = prefix;
    if (best) return theme[best];
  }
  return "";
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  console.error("usage: node tests/editors/screenshot.mjs OUT.html FILE [FILE...]");
  process.exit(2);
}
const grammar = await loadGrammar();
let panes = "";
for (const file of files) {
  const text = fs.readFileSync(path.resolve(file), "utf8");
  const { lines, tokens } = tokenize(grammar, text);
  const body = lines
    .map((line, i) => {
      const code = tokens[i]
        .map((t) => {
          const css = style(t.scopes);
          return css ? `<span style="${css}">${escape(t.text)}</span>` : escape(t.text);
        })
        .join("");
      return `<span class="ln">${i + 1}</span>${code}`;
    })
    .join("\n");
  const rel = path.relative(root, path.resolve(file));
  const title = rel.startsWith("..") ? path.basename(file) : rel;
  panes += `<div class="pane"><div class="tab">${escape(title)}</div><pre>${body}</pre></div>\n`;
}
fs.writeFileSync(
  out,
  `<!doctype html>
<meta charset="utf-8">
<style>
  body { margin: 0; background: #181818; font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
  .pane { background: #1e1e1e; color: #d4d4d4; margin: 0 0 12px 0; }
  .tab { background: #252526; color: #cccccc; font: 13px "DejaVu Sans", sans-serif; padding: 7px 14px; border-top: 1px solid #0078d4; display: inline-block; }
  pre { margin: 0; padding: 10px 0 12px 0; font-size: 14px; line-height: 20px; }
  .ln { display: inline-block; width: 44px; padding-right: 18px; text-align: right; color: #6e7681; user-select: none; }
</style>
${panes}`,
);
console.log(`wrote ${out}`);
