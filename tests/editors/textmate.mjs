// TextMate grammar tests, run by tests/it/editors.rs (or `node tests/editors/textmate.mjs`).
//
// 1. Every `.netpol` file under examples/ and stdlib/ tokenises with no
//    `invalid` scope.
// 2. Every fixture under tests/editors/fixtures/ meets its scope assertions:
//    a comment line `#   ^^^^ scope -other` under a source line says that the
//    characters above the carets carry a scope starting with `scope` and none
//    starting with `other`. broken.netpol must also hold `invalid.illegal`.
// 3. Every file of 1 and 2 has a scope snapshot under
//    tests/editors/snapshots/textmate/; a stale or missing snapshot is
//    rewritten and the run fails, so review is a `git diff`.
// 4. Every `.netpol` file under tests/ui/ tokenises (no snapshot: those
//    files belong to the compiler's tests).

import fs from "node:fs";
import path from "node:path";
import { root, loadGrammar, tokenize } from "./tmlib.mjs";

const snapshotDir = path.join(root, "tests/editors/snapshots/textmate");
const failures = [];
let assertions = 0;

function walk(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  const out = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(rel));
    else if (entry.name.endsWith(".netpol")) out.push(rel);
  }
  return out.sort();
}

const short = (scope) => scope.replace(/\.netpol$/, "");
const hasScope = (scopes, want) =>
  scopes.some((s) => s === want || s.startsWith(want + ".") || short(s) === want);

/** The scope snapshot of one file: each line, then a caret line per token. */
function snapshot(rel, { lines, tokens }) {
  let out = `# ${rel}: TextMate scopes (tests/editors/textmate.mjs)\n`;
  lines.forEach((line, i) => {
    const no = String(i + 1).padStart(3);
    out += `${no} | ${line}\n`.replace(/ +\n$/, "\n");
    for (const t of tokens[i]) {
      if (t.text.trim() === "") continue;
      const scopes = t.scopes.length ? t.scopes.map(short).join(" ") : "(none)";
      out += `    | ${" ".repeat(t.start)}${"^".repeat(Math.max(1, t.end - t.start))} ${scopes}\n`;
    }
  });
  return out;
}

function checkSnapshot(rel, tokenised) {
  const file = path.join(snapshotDir, rel + ".scopes");
  const want = snapshot(rel, tokenised);
  const have = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (have === want) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, want);
  failures.push(
    `${path.relative(root, file)} was ${have === null ? "missing" : "not up-to-date"}, ` +
      "updating it: review the change with `git diff` and run the test again",
  );
}

function checkNoInvalid(rel, { tokens }) {
  tokens.forEach((line, i) => {
    for (const t of line) {
      const bad = t.scopes.find((s) => s.startsWith("invalid"));
      if (bad) failures.push(`${rel}:${i + 1}:${t.start + 1}: \`${t.text}\` has scope ${bad}`);
    }
  });
}

const assertionLine = /^(#\s*)(\^+)\s+(\S.*)$/;

function checkAssertions(rel, { lines, tokens }) {
  let target = -1;
  let count = 0;
  lines.forEach((line, i) => {
    const m = assertionLine.exec(line);
    if (!m) {
      target = i;
      return;
    }
    if (target < 0) {
      failures.push(`${rel}:${i + 1}: assertion with no source line above it`);
      return;
    }
    const from = m[1].length;
    const to = from + m[2].length;
    for (const want of m[3].trim().split(/\s+/)) {
      count++;
      const negate = want.startsWith("-");
      const scope = negate ? want.slice(1) : want;
      for (let col = from; col < to; col++) {
        const t = tokens[target].find((t) => t.start <= col && col < t.end);
        const scopes = t ? t.scopes : [];
        if (hasScope(scopes, scope) === negate) {
          const ch = lines[target][col] ?? "end of line";
          failures.push(
            `${rel}:${target + 1}:${col + 1}: \`${ch}\` ${negate ? "has" : "lacks"} ${scope} ` +
              `(scopes: ${scopes.map(short).join(" ") || "none"})`,
          );
          break;
        }
      }
    }
  });
  if (count === 0) failures.push(`${rel}: a fixture without assertions`);
  assertions += count;
}

const grammar = await loadGrammar();
const read = (rel) => tokenize(grammar, fs.readFileSync(path.join(root, rel), "utf8"));

const clean = [...walk("examples"), ...walk("stdlib")];
for (const rel of clean) {
  const t = read(rel);
  checkNoInvalid(rel, t);
  checkSnapshot(rel, t);
}

const fixtures = walk("tests/editors/fixtures");
for (const rel of fixtures) {
  const t = read(rel);
  checkAssertions(rel, t);
  checkSnapshot(rel, t);
}
const broken = "tests/editors/fixtures/broken.netpol";
if (!fixtures.includes(broken)) failures.push(`${broken} is missing`);
else if (!read(broken).tokens.flat().some((t) => hasScope(t.scopes, "invalid.illegal")))
  failures.push(`${broken} has no invalid.illegal scope`);

// The language configuration: its regular expressions compile and indent as
// `netpolc fmt` lays files out.
const config = JSON.parse(fs.readFileSync(path.join(root, "editors/vscode/language-configuration.json"), "utf8"));
const increase = new RegExp(config.indentationRules.increaseIndentPattern);
const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
new RegExp(config.wordPattern);
for (const line of ["namespace shop {", "category web(", "  storage: cidrs = [", "policy p { # a comment"])
  if (!increase.test(line)) failures.push(`increaseIndentPattern misses \`${line}\``);
for (const line of ["}", "allow to pods {app=web}", "allow from pods # a comment {", 'description "a {"'])
  if (increase.test(line)) failures.push(`increaseIndentPattern matches \`${line}\``);
for (const line of ["}", "  )", "]"])
  if (!decrease.test(line)) failures.push(`decreaseIndentPattern misses \`${line}\``);

const ui = walk("tests/ui");
for (const rel of ui) read(rel);

// Snapshots whose source file is gone.
const sources = new Set([...clean, ...fixtures].map((rel) => rel + ".scopes"));
const stale = [];
(function walkSnapshots(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walkSnapshots(abs);
    else if (!sources.has(path.relative(snapshotDir, abs))) stale.push(abs);
  }
})(snapshotDir);
for (const abs of stale) {
  fs.rmSync(abs);
  failures.push(`${path.relative(root, abs)} had no source file, removed it`);
}

for (const f of failures) console.log(`FAIL ${f}`);
const files = clean.length + fixtures.length + ui.length;
console.log(
  `textmate: ${files} files tokenised (${clean.length} examples and stdlib, ` +
    `${fixtures.length} fixtures, ${ui.length} UI files), ${assertions} scope assertions`,
);
console.log(`textmate: ${failures.length === 0 ? "ok" : failures.length + " failures"}`);
process.exit(failures.length === 0 ? 0 : 1);
