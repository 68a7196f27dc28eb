// Builds web/dist: the branded stylesheet, GOV.UK Frontend's script, the
// module that starts it (init.js), and the images its stylesheet and manifest
// refer to. Fonts are left out on purpose: the council branding uses Arial,
// which every device already has.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "assets"), { recursive: true });

const result = await sass.compileAsync(join(here, "styles", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  // GOV.UK Frontend's own deprecation notices are not ours to fix.
  quietDeps: true,
});
if (result.css.includes("GDS Transport")) {
  throw new Error("app.css still names GDS Transport; check styles/app.scss");
}
await writeFile(join(dist, "app.css"), result.css);

await cp(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
await cp(join(here, "scripts", "init.mjs"), join(dist, "init.js"));
await cp(join(here, "scripts", "similar.mjs"), join(dist, "similar.js"));
await cp(join(govuk, "assets", "images"), join(dist, "assets", "images"), { recursive: true });
await cp(join(govuk, "assets", "manifest.json"), join(dist, "assets", "manifest.json"));

console.log(`web/dist built (${result.css.length} bytes of CSS)`);
