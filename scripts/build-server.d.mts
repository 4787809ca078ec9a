// Types of scripts/build-server.mjs for the TypeScript tests and benchmarks that start the bundled server.
export declare const defaultOutFile: string
export declare function buildServerBundle (options?: { outFile?: string }): Promise<{ outFile: string, ms: number }>
