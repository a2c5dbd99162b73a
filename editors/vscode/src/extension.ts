// The Charter extension: starts `charter lsp` (from PATH, or the `charter.path`
// setting) for Markdown files and charter.yaml, and leaves everything else to it.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("charter").get<string>("path") || "charter";
  const server: ServerOptions = { command, args: ["lsp"] };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", pattern: "**/charter.yaml" },
    ],
    synchronize: {
      // Saved files, deletions and new files the editor has not opened reach the server too.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{charter.yaml,*.md}"),
    },
  };
  client = new LanguageClient("charter", "Charter", server, options);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
