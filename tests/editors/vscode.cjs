// The VS Code extension (editors/vscode) outside VS Code, which cannot run
// here: its package.json is checked, its `main` file is loaded with its real
// module graph (vscode-languageclient from editors/vscode/node_modules) and a
// stub `vscode` module, and `activate` is called. The client's real
// `createMessageTransports` spawns the server, so the test sees the command
// and arguments the extension really starts:
//
//   node tests/editors/vscode.cjs <netpolc binary>
//
// 1. `netpolc.path` = the binary: the server is spawned as `<binary> lsp`,
//    answers `initialize` over stdio with its capabilities, then `shutdown`
//    and `exit` end it with status 0.
// 2. `netpolc.path` unset: the command is `netpolc`, the arguments `["lsp"]`.
// 3. `netpolc.path` = a missing file: an error message names the path and
//    the setting.
//
// Only `LanguageClient.prototype.start` and `stop` are replaced (the real
// ones need the whole editor): `start` asks the real client for its message
// transports, which is where the process is spawned.
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const extensionDir = path.join(repo, 'editors', 'vscode');
const binary = process.argv[2];
assert.ok(binary, 'usage: node tests/editors/vscode.cjs <netpolc binary>');

// ---------------------------------------------------------------------------
// package.json
// ---------------------------------------------------------------------------

const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
assert.equal(manifest.main, './extension.js', 'package.json: main');
assert.deepEqual(manifest.activationEvents, ['onLanguage:netpol'], 'package.json: activationEvents');
assert.ok(manifest.dependencies['vscode-languageclient'], 'package.json depends on vscode-languageclient');
const properties = manifest.contributes.configuration.properties;
assert.equal(properties['netpolc.path'].type, 'string');
assert.equal(properties['netpolc.path'].default, 'netpolc');
assert.deepEqual(properties['netpolc.trace.server'].enum, ['off', 'messages', 'verbose']);
assert.equal(properties['netpolc.trace.server'].default, 'off');
assert.equal(
  manifest.contributes.configurationDefaults['[netpol]']['editor.formatOnSave'],
  true,
  'netpol files are formatted on save (by the server, through `netpolc fmt`)',
);
const contributedCommands = manifest.contributes.commands.map((c) => c.command).sort();

const lock = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package-lock.json'), 'utf8'));
assert.equal(
  lock.packages[''].dependencies['vscode-languageclient'],
  manifest.dependencies['vscode-languageclient'],
  'package-lock.json is in step with package.json',
);
for (const [name, entry] of Object.entries(lock.packages)) {
  if (entry.resolved !== undefined) {
    assert.ok(
      entry.resolved.startsWith('https://registry.npmjs.org/'),
      `package-lock.json: ${name} resolves outside the npm registry: ${entry.resolved}`,
    );
  }
}

// ---------------------------------------------------------------------------
// The stub `vscode` module
// ---------------------------------------------------------------------------

/** Settings of the `netpolc` section, per scenario. */
let settings = {};
const errors = [];
const registeredCommands = [];
/** Names of the `vscode` API the module graph touched that the stub only fakes. */
const faked = new Set();

class Disposable {
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((item) => item && item.dispose && item.dispose()));
  }
  dispose() {
    if (this.onDispose) this.onDispose();
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return new Disposable(() => {});
    };
  }
  fire(value) {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose() {}
}

const noEvent = () => new Disposable(() => {});
const outputChannel = (name) => ({
  name,
  text: '',
  append(text) {
    this.text += text;
  },
  appendLine(text) {
    this.text += `${text}\n`;
  },
  show() {},
  hide() {},
  clear() {},
  dispose() {},
});

/** Anything not stubbed below: a callable, constructible object of more of the same. */
function fake(name) {
  faked.add(name);
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === Symbol.toPrimitive) return () => name;
      if (typeof key === 'symbol' || key === 'prototype') return target[key];
      if (key === 'then') return undefined;
      return fake(`${name}.${key}`);
    },
    apply() {
      return fake(`${name}()`);
    },
    construct() {
      return fake(`new ${name}`);
    },
  });
}

const stub = {
  version: '1.82.0',
  Disposable,
  EventEmitter,
  workspace: {
    workspaceFolders: undefined,
    getConfiguration(section) {
      assert.equal(section, 'netpolc', 'the extension reads the `netpolc` settings');
      return {
        get: (key, fallback) => (key in settings ? settings[key] : fallback),
        has: (key) => key in settings,
      };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: noEvent,
    onDidOpenTextDocument: noEvent,
    onDidChangeTextDocument: noEvent,
    onDidCloseTextDocument: noEvent,
    onDidSaveTextDocument: noEvent,
    textDocuments: [],
  },
  window: {
    createOutputChannel: outputChannel,
    showErrorMessage(message) {
      errors.push(message);
      return Promise.resolve(undefined);
    },
    showWarningMessage: () => Promise.resolve(undefined),
    showInformationMessage: () => Promise.resolve(undefined),
  },
  commands: {
    registerCommand(command, callback) {
      registeredCommands.push(command);
      assert.equal(typeof callback, 'function');
      return new Disposable(() => {});
    },
  },
};

const vscode = new Proxy(stub, {
  get(target, key) {
    if (key in target || typeof key === 'symbol') return target[key];
    return fake(`vscode.${String(key)}`);
  },
});

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return load.call(this, request, parent, isMain);
};

// ---------------------------------------------------------------------------
// The real module graph
// ---------------------------------------------------------------------------

const spawned = [];
const spawn = childProcess.spawn;
childProcess.spawn = function (command, args, options) {
  spawned.push({ command, args: [...args] });
  return spawn.call(this, command, args, options);
};

const extension = require(path.join(extensionDir, manifest.main));
const languageclient = require(
  require.resolve('vscode-languageclient/node', { paths: [extensionDir] }),
);
assert.equal(typeof extension.activate, 'function', 'the extension exports activate');
assert.equal(typeof extension.deactivate, 'function', 'the extension exports deactivate');
const { LanguageClient } = languageclient;
assert.equal(typeof LanguageClient.prototype.createMessageTransports, 'function');

/** The clients `start` was called on, with their transports. */
const started = [];
LanguageClient.prototype.start = async function () {
  started.push(this);
  this.transports = await this.createMessageTransports('utf-8');
};
LanguageClient.prototype.stop = async function () {
  if (this._serverProcess && this._serverProcess.exitCode === null) this._serverProcess.kill();
};

function context() {
  return { subscriptions: [] };
}

function withTimeout(promise, what, ms = 20000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sends a request over the client's transports; resolves with the response. */
function request(transports, id, method, params) {
  return new Promise((resolve) => {
    const listener = transports.reader.listen((message) => {
      if (message.id === id) {
        listener.dispose();
        resolve(message);
      }
    });
    transports.writer.write({ jsonrpc: '2.0', id, method, params });
  });
}

async function main() {
  // 1. The configured binary: spawned as `<binary> lsp`, and it speaks LSP.
  settings = { path: binary };
  const ctx = context();
  await withTimeout(extension.activate(ctx), 'activate');
  assert.deepEqual(errors, [], 'no error message when the binary exists');
  assert.deepEqual(registeredCommands.sort(), contributedCommands, 'registered = contributed commands');
  assert.equal(started.length, 1, 'activate starts one client');
  const client = started[0];
  assert.equal(client.name, 'netpol language server');
  assert.deepEqual(client.clientOptions.documentSelector, [
    { scheme: 'file', language: 'netpol' },
    { scheme: 'untitled', language: 'netpol' },
  ]);
  assert.deepEqual(spawned, [{ command: binary, args: ['lsp'] }]);
  const server = client._serverProcess;
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  const initialized = await withTimeout(
    request(client.transports, 1, 'initialize', { processId: process.pid, rootUri: null, capabilities: {} }),
    '`netpolc lsp` answering initialize',
  );
  assert.equal(initialized.error, undefined, `initialize failed: ${JSON.stringify(initialized.error)}`);
  assert.equal(typeof initialized.result.capabilities, 'object', 'initialize returns capabilities');
  const shutdown = await withTimeout(request(client.transports, 2, 'shutdown', null), 'shutdown');
  assert.equal(shutdown.error, undefined, `shutdown failed: ${JSON.stringify(shutdown.error)}`);
  client.transports.writer.write({ jsonrpc: '2.0', method: 'exit' });
  assert.deepEqual(await withTimeout(exited, 'the server exiting after `exit`'), { code: 0, signal: null });
  await extension.deactivate();
  ctx.subscriptions.forEach((d) => d.dispose());

  // 2. No setting: `netpolc` from PATH.
  settings = {};
  spawned.length = 0;
  await withTimeout(extension.activate(context()), 'activate');
  assert.deepEqual(spawned, [{ command: 'netpolc', args: ['lsp'] }]);
  await extension.deactivate();

  // 3. A path that does not exist: an error message that says what to do.
  settings = { path: path.join(repo, 'target', 'no-such-netpolc') };
  spawned.length = 0;
  errors.length = 0;
  await withTimeout(extension.activate(context()), 'activate');
  assert.deepEqual(spawned, [{ command: settings.path, args: ['lsp'] }]);
  assert.equal(errors.length, 1, `one error message: ${JSON.stringify(errors)}`);
  assert.ok(errors[0].includes(settings.path), errors[0]);
  assert.ok(errors[0].includes('netpolc.path'), errors[0]);
  await extension.deactivate();

  console.log(
    `vscode extension: ok (the stub faked ${faked.size} vscode API names the client library touches)`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
