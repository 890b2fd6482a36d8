import type { UserConfig } from "tsdown";
import { packageConfig } from "../../tsdown.package.js";

const config: UserConfig = packageConfig([
  "src/index.ts",
  "src/worker-main.ts",
  "src/server-start.ts",
]);
export default config;
