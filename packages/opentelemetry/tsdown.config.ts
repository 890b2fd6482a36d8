import type { UserConfig } from "tsdown";
import { packageConfig } from "../../tsdown.package.js";

const config: UserConfig = packageConfig(["src/index.ts"]);
export default config;
