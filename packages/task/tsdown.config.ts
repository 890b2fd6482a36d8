import { defineConfig, type UserConfig } from "tsdown";

const config: UserConfig = defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "node",
  target: "node20.19",
  dts: true,
  fixedExtension: false,
  sourcemap: true,
  clean: true,
  tsconfig: "../../tsconfig.base.json",
});
export default config;
