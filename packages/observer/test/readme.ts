// The example of packages/observer/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project.
// #region readme
import * as Observer from "@trellis/observer";

const observer = await Observer.start(); // { port: 4040 }; default 0: any free port
// Trellis observer: http://127.0.0.1:40417/?token=5c0f…   (open it in a browser)
const page = await fetch(observer.url);
console.log(page.status, page.headers.get("content-type")); // 200 text/html; charset=utf-8
await observer.stop();
// #endregion readme

// What the page loads (not shown in the README): the UI files and the ES modules of Preact
// and htm, served from the installed packages.
const again = await Observer.start({ print: false });
for (const path of [
  "/ui/app.js",
  "/ui/style.css",
  "/vendor/preact.mjs",
  "/vendor/hooks.mjs",
  "/vendor/htm.mjs",
]) {
  const res = await fetch(new URL(path, again.url));
  const body = await res.text();
  console.log(path, res.status, res.headers.get("content-type"), body.length > 0);
}
await again.stop();
