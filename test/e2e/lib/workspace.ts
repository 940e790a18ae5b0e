/** Workspace folders for the editors: copies of examples/MetaBase.xml and any extra files. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleMetabase } from './env';

/** Relative path -> file content, or { copyFrom: absolute path }. */
export type WorkspaceFiles = Record<string, string | { copyFrom: string }>;

export const defaultWorkspaceFiles: WorkspaceFiles = {
  'MetaBase.xml': { copyFrom: exampleMetabase },
};

/** Creates `<root>/workspace` with `files` and returns its path. */
export function createWorkspace(root: string, files: WorkspaceFiles = defaultWorkspaceFiles): string {
  const ws = path.join(root, 'workspace');
  mkdirSync(ws, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(ws, ...rel.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    if (typeof content === 'string') writeFileSync(target, content);
    else copyFileSync(content.copyFrom, target);
  }
  return ws;
}
