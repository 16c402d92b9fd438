// The netpol extension: highlighting comes from the TextMate grammar
// (package.json, `contributes.grammars`); everything else comes from the
// netpolc language server, which this file starts as `netpolc lsp` on stdio.
//
// Plain JavaScript (CommonJS) on purpose: no build step, `npm ci` installs
// the one dependency (vscode-languageclient) from package-lock.json.
'use strict';

const vscode = require('vscode');
const languageclient = require('vscode-languageclient/node');

/** The client id: VS Code reads `<id>.trace.server` for the trace level. */
const CLIENT_ID = 'netpolc';
const CLIENT_NAME = 'netpol language server';

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;

/**
 * How to start the server: the `netpolc.path` setting (default `netpolc`,
 * looked up on PATH) with the one argument `lsp`. `transport` stays unset:
 * the client then talks over the child's stdin/stdout without adding the
 * `--stdio` flag that `TransportKind.stdio` appends.
 *
 * @param {{ get(key: string, fallback?: unknown): unknown }} config
 *   the `netpolc` section of the settings
 */
function serverOptions(config) {
  const configured = config.get('path', 'netpolc');
  const command =
    typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'netpolc';
  return { command, args: ['lsp'] };
}

/** Which documents the server sees. */
function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'netpol' },
      { scheme: 'untitled', language: 'netpol' },
    ],
    synchronize: {
      // The whole repository is the unit: tell the server about .netpol files
      // created, changed or deleted outside the editor.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.netpol'),
    },
  };
}

/** Starts a client with the current settings. */
async function startClient() {
  const config = vscode.workspace.getConfiguration('netpolc');
  const server = serverOptions(config);
  client = new languageclient.LanguageClient(CLIENT_ID, CLIENT_NAME, server, clientOptions());
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `netpol: cannot start \`${server.command} lsp\` (${message}). ` +
        'Install netpolc or point the `netpolc.path` setting at the binary.',
    );
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch {
      // The server was not running (it failed to start or already exited).
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('netpolc.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('netpolc.path')) {
        void restartClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
