import { defineConfig, type UserConfig } from "tsdown";

/**
 * The build every package shares: ESM for Node 22.12, `.js` + `.d.ts` (from
 * `isolatedDeclarations`) into `dist/`, with source maps. A package's `tsdown.config.ts`
 * names only its entry points.
 */
export function packageConfig(entry: string[]): UserConfig {
  return defineConfig({
    entry,
    format: "esm",
    platform: "node",
    target: "node22.12",
    dts: true,
    fixedExtension: false,
    sourcemap: true,
    clean: true,
    tsconfig: "../../tsconfig.base.json",
  });
}
