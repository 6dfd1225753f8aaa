import * as assert from 'assert';
import * as vscode from 'vscode';

describe('activation', () => {
  it('the Pyrometer extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension('pyrometer.pyrometer');
    assert.ok(ext, 'pyrometer.pyrometer is not among the installed extensions');
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });
});
