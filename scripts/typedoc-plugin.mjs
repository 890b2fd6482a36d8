// A small typedoc plugin for the markdown pages of the API site (guides, the Erlang mapping,
// ADRs, example READMEs), which are written for GitHub first:
//
// - a page's title is its front matter `title`, else its first `# Heading`; that heading is
//   dropped from the body, since the site prints the title itself (no doubled heading). The
//   same goes for a package's README and module comment on its module page;
// - a document listed twice in projectDocuments is kept once, where it is first listed (so
//   typedoc.json can put Getting started before the other guides);
// - pages are grouped by where they live: Guides (docs/guides, Getting started first),
//   Reference (docs/*.md), Decisions (docs/adr), Examples (examples/*/README.md).
import { basename } from "node:path";
import { Converter, ReflectionKind } from "typedoc";

/** Drops a leading `# Heading` from display parts; returns the heading's text. */
function dropHeading(parts) {
  const first = parts?.[0];
  if (first?.kind !== "text") return undefined;
  const heading = /^\s*# (.+)\n+/.exec(first.text);
  if (heading === null) return undefined;
  first.text = first.text.slice(heading[0].length);
  return heading[1].trim();
}

const GROUPS = [
  { group: "Guides", test: /\/docs\/guides\/[^/]+\.md$/ },
  { group: "Decisions", test: /\/docs\/adr\/[^/]+\.md$/ },
  { group: "Reference", test: /\/docs\/[^/]+\.md$/ },
  { group: "Examples", test: /\/examples\/[^/]+\/README\.md$/ },
];
const FIRST = /\/docs\/guides\/getting-started\.md$/;

/** @param {import("typedoc").Application} app */
export function load(app) {
  const paths = new Map();
  const seen = new Set();
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    const path = doc.project.files.getReflectionPath(doc) ?? "";
    // typedoc.json lists Getting started before the guides' glob, which names it again:
    // keep the first, so that it comes first
    if (seen.has(path)) {
      doc.project.removeReflection(doc);
      return;
    }
    seen.add(path);
    paths.set(doc, path);
    const heading = dropHeading(doc.content);
    // without a front matter title, typedoc names the page after its file
    if (heading !== undefined && doc.name === basename(path).replace(/\.md$/, "")) {
      doc.name = heading;
    }
    const group = GROUPS.find((g) => g.test.test(path));
    if (group !== undefined && doc.frontmatter.group === undefined) {
      doc.frontmatter.group = group.group;
    }
  });
  // after typedoc's own grouping (priority -100)
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const project = context.project;
      // in packages mode each package is converted as a project, then merged as a module
      for (const mod of [project, ...project.getReflectionsByKind(ReflectionKind.Module)]) {
        dropHeading(mod.readme);
        dropHeading(mod.comment?.summary);
      }
      const rank = (r) => (FIRST.test(paths.get(r) ?? "") ? 0 : 1);
      project.documents?.sort((a, b) => rank(a) - rank(b));
      project.childrenIncludingDocuments?.sort((a, b) => rank(a) - rank(b));
      for (const group of project.groups ?? []) group.children.sort((a, b) => rank(a) - rank(b));
    },
    -200,
  );
}
