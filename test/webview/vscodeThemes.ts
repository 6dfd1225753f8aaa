// The --vscode-* variables a webview gets from VS Code's Dark Modern and Light Modern themes (the ones Pyrometer's
// webviews read), for the browser tests that load a webview app without VS Code.
export const THEMES = {
  dark: `:root {
  --vscode-font-family: system-ui, "Segoe UI", sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d;
  --vscode-charts-orange: #d18616; --vscode-charts-blue: #3794ff; --vscode-charts-purple: #b180d7; --vscode-charts-green: #89d185;
  --vscode-focusBorder: #0078d4; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-button-border: #ffffff12;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c; --vscode-input-placeholderForeground: #989898;
  --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c;
  --vscode-textLink-foreground: #4daafc; --vscode-editorWarning-foreground: #cca700; --vscode-textBlockQuote-background: #2b2b2b;
  --vscode-editorHoverWidget-background: #202020; --vscode-editorHoverWidget-border: #454545; --vscode-editorHoverWidget-foreground: #cccccc;
}`,
  light: `:root {
  --vscode-font-family: system-ui, "Segoe UI", sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #3b3b3b; --vscode-editor-background: #ffffff; --vscode-descriptionForeground: #717171;
  --vscode-charts-orange: #d18616; --vscode-charts-blue: #1a85ff; --vscode-charts-purple: #652d90; --vscode-charts-green: #388a34;
  --vscode-focusBorder: #005fb8; --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #0258a8;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b; --vscode-button-secondaryHoverBackground: #cccccc; --vscode-button-border: #0000001a;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece; --vscode-input-placeholderForeground: #767676;
  --vscode-dropdown-background: #ffffff; --vscode-dropdown-foreground: #3b3b3b; --vscode-dropdown-border: #cecece;
  --vscode-textLink-foreground: #005fb8; --vscode-editorWarning-foreground: #bf8803; --vscode-textBlockQuote-background: #f8f8f8;
  --vscode-editorHoverWidget-background: #f8f8f8; --vscode-editorHoverWidget-border: #c8c8c8; --vscode-editorHoverWidget-foreground: #3b3b3b;
}`,
} as const;

export type Theme = keyof typeof THEMES;
