/**
 * The real-editor tests, one after the other in one process (they each start an editor and a
 * browser, and two at a time would fight over the CPU): the mocha suite in VS Code's extension
 * host, headless Neovim over stdio, and the UI test of the packaged extension.
 */
import './extension-host.test';
import './neovim.test';
import './ui.test';
