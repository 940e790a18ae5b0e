/** The product version, replaced at bundle time by esbuild (`define`) from package.json. */
declare const __IIS6_METABASE_VERSION__: string | undefined;

export const VERSION: string = typeof __IIS6_METABASE_VERSION__ === 'string' ? __IIS6_METABASE_VERSION__ : '0.0.0-dev';
