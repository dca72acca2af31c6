'use strict';
// The extension's manifest and its client, without VS Code: package.json and the files it names
// must agree, and extension.js is run against stand-ins for the `vscode` module and the
// language client that record what it asks for.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const extensionDir = path.join(__dirname, '..');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(extensionDir, file), 'utf8'));
const manifest = readJson('package.json');

test('package.json names files that exist and agree with each other', () => {
  assert.equal(manifest.name, 'exgen-exm');
  assert.deepEqual(manifest.activationEvents, ['onLanguage:exm']);
  assert.ok(fs.existsSync(path.join(extensionDir, manifest.main)), manifest.main);

  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'exm');
  assert.deepEqual(language.extensions, ['.exm']);
  const config = readJson(language.configuration);
  assert.equal(config.comments.lineComment, '#');

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'exm');
  assert.equal(readJson(grammar.path).scopeName, grammar.scopeName);
  assert.equal(grammar.scopeName, 'source.exm');

  const settings = manifest.contributes.configuration.properties;
  assert.equal(settings['exgen.path'].default, 'exgen');
  assert.equal(settings['exgen.trace.server'].default, 'off');
});

test('the VS Code versions declared are ones the language client supports', () => {
  // semver comes with vscode-languageclient, which uses it for the same check.
  const clientDir = path.dirname(require.resolve('vscode-languageclient/package.json'));
  const semver = require(require.resolve('semver', { paths: [clientDir] }));
  const client = require('vscode-languageclient/package.json');
  assert.ok(
    semver.subset(manifest.engines.vscode, client.engines.vscode),
    `engines.vscode ${manifest.engines.vscode} allows versions vscode-languageclient ` +
      `${client.version} does not support (${client.engines.vscode})`,
  );
});

test('a word is a whole keyword or name, hyphens and digits included', () => {
  const { wordPattern } = readJson('language-configuration.json');
  const word = new RegExp(`^(?:${wordPattern})$`);
  for (const w of ['client-access', 'public-folder-database', 'MAIL2010', 'EX2010DB01', 'sp3', 'a']) {
    assert.match(w, word);
  }
  for (const w of ['MAIL2010 ', 'a{', '"x"', '-a', 'a-', '#a']) {
    assert.doesNotMatch(w, word);
  }
});

test('folding and indentation follow braces', () => {
  const { folding, indentationRules } = readJson('language-configuration.json');
  const start = new RegExp(folding.markers.start);
  const end = new RegExp(folding.markers.end);
  assert.match('  server A {', start);
  assert.match('  server A { # comment', start);
  assert.doesNotMatch('  server A { exchange 2010 sp3; roles mailbox }', start);
  assert.match('  }', end);
  assert.equal(indentationRules.increaseIndentPattern, folding.markers.start);
  assert.equal(indentationRules.decreaseIndentPattern, folding.markers.end);
});

/** Loads extension.js with stand-ins; `startFails`: the error the client's start rejects with. */
function loadExtension({ path: exgenPath, startFails } = {}) {
  const calls = { clients: [], errors: [], commands: [], stopped: 0, listeners: [] };
  const vscode = {
    workspace: {
      getConfiguration: (section) => ({
        get: (key, fallback) => (section === 'exgen' && key === 'path' && exgenPath) || fallback,
      }),
      onDidChangeConfiguration: (listener) => {
        calls.listeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      showErrorMessage: (message, ...items) => {
        calls.errors.push({ message, items });
        return Promise.resolve(items[0]);
      },
    },
    commands: {
      executeCommand: (...args) => {
        calls.commands.push(args);
        return Promise.resolve();
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      calls.clients.push({ id, name, serverOptions, clientOptions });
    }
    start() {
      return startFails ? Promise.reject(startFails) : Promise.resolve();
    }
    stop() {
      calls.stopped += 1;
      return Promise.resolve();
    }
  }
  const stubs = {
    vscode,
    'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0 } },
  };
  const load = Module._load;
  const file = require.resolve(path.join(extensionDir, 'extension.js'));
  delete require.cache[file];
  Module._load = function (request, ...rest) {
    return Object.hasOwn(stubs, request) ? stubs[request] : load.call(this, request, ...rest);
  };
  try {
    return { extension: require(file), calls };
  } finally {
    Module._load = load;
  }
}

const context = () => ({ subscriptions: [] });

test('activation starts `exgen lsp` over stdio for saved and untitled .exm documents', async () => {
  const { extension, calls } = loadExtension();
  await extension.activate(context());
  assert.equal(calls.clients.length, 1);
  const [{ id, serverOptions, clientOptions }] = calls.clients;
  assert.equal(id, 'exgen', 'the id that makes exgen.trace.server apply');
  assert.deepEqual(serverOptions, { command: 'exgen', args: ['lsp'], transport: 0 });
  assert.deepEqual(clientOptions.documentSelector, [
    { scheme: 'file', language: 'exm' },
    { scheme: 'untitled', language: 'exm' },
  ]);
  assert.deepEqual(calls.errors, []);
  await extension.deactivate();
  assert.equal(calls.stopped, 1);
});

test('exgen.path names the binary, and changing it restarts the server', async () => {
  const { extension, calls } = loadExtension({ path: '/opt/exgen/bin/exgen' });
  const ctx = context();
  await extension.activate(ctx);
  assert.equal(calls.clients[0].serverOptions.command, '/opt/exgen/bin/exgen');
  assert.equal(ctx.subscriptions.length, 1, 'the settings listener is disposed with the extension');
  await calls.listeners[0]({ affectsConfiguration: (s) => s === 'exgen.trace.server' });
  assert.equal(calls.clients.length, 1, 'another setting does not restart');
  await calls.listeners[0]({ affectsConfiguration: (s) => s === 'exgen.path' });
  assert.equal(calls.stopped, 1);
  assert.equal(calls.clients.length, 2);
});

test('a binary that cannot be started is reported with the way to fix it', async () => {
  // What vscode-languageclient 9 rejects with when the spawn fails: a string, not an Error.
  const { extension, calls } = loadExtension({
    path: '/nowhere/exgen',
    startFails: 'Launching server using command /nowhere/exgen failed. Error: spawn /nowhere/exgen ENOENT',
  });
  await extension.activate(context());
  assert.equal(calls.errors.length, 1);
  const [{ message, items }] = calls.errors;
  assert.match(message, /could not start the language server `\/nowhere\/exgen lsp`/);
  assert.match(message, /ENOENT/);
  assert.match(message, /"exgen\.path"/);
  assert.deepEqual(items, ['Open Settings']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls.commands, [['workbench.action.openSettings', 'exgen.path']]);
  await extension.deactivate();
  assert.equal(calls.stopped, 0, 'nothing to stop');
});
