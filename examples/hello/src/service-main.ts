// #region main
import * as Application from "@trellis/application";
import { Hello } from "./service.js";

await Application.runMain(Hello);
// #endregion main
