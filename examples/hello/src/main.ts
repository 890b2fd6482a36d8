import { VERSION } from "@trellis/core";

console.log(`Trellis core ${VERSION}`);
