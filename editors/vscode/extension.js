// The keepalived-lint extension: starts `keepalived-lint lsp --stdio` for keepalived buffers. Every
// feature (findings, hover, completion, definitions, code actions) is the language server's.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration('keepalived-lint');
  const command = settings.get('path', 'keepalived-lint');
  const args = ['lsp', '--stdio', ...settings.get('args', [])];
  client = new LanguageClient(
    'keepalived-lint',
    'keepalived-lint',
    { run: { command, args }, debug: { command, args } },
    { documentSelector: [{ scheme: 'file', language: 'keepalived' }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
