// What 'vscode' means to the server project (server/tsconfig.json maps the name here): nothing.
// The extension API exists only in the extension host, so a server module that imports from it
// fails to compile here instead of failing at run time in the server process.
export {};
