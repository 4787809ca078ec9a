// Types of scripts/build-web.mjs for the TypeScript tests and scripts that build the web UI.
export declare const defaultOutDir: string
export declare function buildWeb (options?: { outDir?: string }): Promise<{ outDir: string, ms: number }>
