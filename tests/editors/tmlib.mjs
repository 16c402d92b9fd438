// Loads editors/vscode/syntaxes/netpol.tmLanguage.json into the TextMate
// engine VS Code itself uses (vscode-textmate with the oniguruma regex engine
// compiled to wasm), and tokenises text line by line.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const grammarPath = path.join(root, "editors/vscode/syntaxes/netpol.tmLanguage.json");

let vsctm, oniguruma;
try {
  vsctm = require("vscode-textmate");
  oniguruma = require("vscode-oniguruma");
} catch (err) {
  console.error(
    "tests/editors needs its npm packages: run `npm ci --prefix tests/editors` (" + err.message + ")",
  );
  process.exit(2);
}

/** The netpol grammar, loaded once. */
export async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.netpol") return null;
      const text = fs.readFileSync(grammarPath, "utf8");
      return vsctm.parseRawGrammar(text, grammarPath);
    },
  });
  const grammar = await registry.loadGrammar("source.netpol");
  if (!grammar) throw new Error("could not load source.netpol from " + grammarPath);
  return grammar;
}

/**
 * Tokenises `text`: one array per line of `{ start, end, text, scopes }`,
 * `scopes` without the root `source.netpol`.
 */
export function tokenize(grammar, text) {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    out.push(
      result.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes.slice(1),
      })),
    );
  }
  return { lines, tokens: out };
}
