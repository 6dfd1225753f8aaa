import { LanguageClient, State, TransportKind } from 'vscode-languageclient/node';

/**
 * vscode-languageclient and its protocol libraries are most of the extension's code by size (about 430 KB
 * minified): they live in their own bundle (dist/languageClient.js), loaded when the server is first needed, so
 * activation neither parses nor evaluates them (ServerClient requires this file).
 */
export { State };
export type { LanguageClient };

export function createLanguageClient(serverModule: string, initializationOptions: () => unknown): LanguageClient {
  return new LanguageClient('pyrometer', 'Pyrometer', {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  }, {
    documentSelector: [{ scheme: 'file', language: 'python' }],
    outputChannelName: 'Pyrometer Language Server',
    initializationOptions,
  });
}
