import { readdirSync } from "node:fs";
import { defineConfig, type ViteUserConfig } from "vitest/config";

// One vitest project per package (and per example that has tests), resolved
// through the "@trellis/source" export condition so tests run against src/
// without a build. Type tests (test/*.test-d.ts) are not run here: the root
// `tsc -p .` (pnpm typecheck) checks them with everything else, so types are
// checked once.
const conditions = ["@trellis/source"];
const dirs = ["packages", "examples"].flatMap((group) =>
  readdirSync(group, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${group}/${d.name}`),
);

const config: ViteUserConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: dirs.map((dir) => ({
      extends: true,
      test: {
        name: dir.split("/")[1] ?? dir,
        root: dir,
        include: ["test/**/*.test.ts"],
      },
    })),
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts"],
    },
  },
});
export default config;
