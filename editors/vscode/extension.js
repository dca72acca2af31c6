'use strict';
// The exgen extension: the `exm` language (its grammar and editing rules come from package.json)
// and a client that runs `exgen lsp` for every `.exm` document, saved or untitled.

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** The running client, or undefined before activation and when the server could not start. */
let client;

/** `exgen.path lsp` over stdin and stdout. */
function serverOptions() {
  const command = vscode.workspace.getConfiguration('exgen').get('path', 'exgen') || 'exgen';
  return { command, args: ['lsp'], transport: TransportKind.stdio };
}

async function startClient() {
  const server = serverOptions();
  // The id `exgen` makes the client follow the `exgen.trace.server` setting.
  const next = new LanguageClient('exgen', 'exgen', server, {
    documentSelector: [
      { scheme: 'file', language: 'exm' },
      { scheme: 'untitled', language: 'exm' },
    ],
  });
  try {
    await next.start();
    client = next;
  } catch (err) {
    client = undefined;
    const reason = err && err.message ? err.message : String(err);
    // Not awaited: activation does not wait for someone to close the notification.
    void Promise.resolve(
      vscode.window.showErrorMessage(
        `exgen: could not start the language server \`${server.command} lsp\` (${reason}). ` +
          'Install exgen, or set "exgen.path" to the exgen binary.',
        'Open Settings',
      ),
    ).then((choice) => {
      if (choice === 'Open Settings') {
        return vscode.commands.executeCommand('workbench.action.openSettings', 'exgen.path');
      }
      return undefined;
    });
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('exgen.path')) {
        await stopClient();
        await startClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
