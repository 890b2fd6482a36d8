/**
 * Dependency order: every application after the applications it depends on, with unknown
 * names and cycles rejected before anything starts.
 */
import type { AnyApplication } from "../definition.js";
import { DefinitionError, DependencyError } from "../errors.js";

/**
 * The applications `roots` need, dependencies first (a depth-first post-order, so the
 * order among independent applications is the order they are named in). `known` resolves
 * names of applications given elsewhere (loaded in the runtime).
 */
export function startOrder(
  roots: readonly AnyApplication[],
  known: (name: string) => AnyApplication | undefined,
): AnyApplication[] {
  // Every definition reachable through definitions, by name; two definitions with one name
  // are an error (which one would start?).
  const byName = new Map<string, AnyApplication>();
  const collect = (app: AnyApplication): void => {
    const seen = byName.get(app.name);
    if (seen === app) return;
    if (seen !== undefined) {
      throw new DefinitionError(
        "duplicate_name",
        "name",
        app.name,
        "two different applications have this name; give each application its own name",
      );
    }
    byName.set(app.name, app);
    for (const dep of app.dependencies ?? []) if (typeof dep !== "string") collect(dep);
  };
  for (const app of roots) collect(app);
  const lookup = (from: AnyApplication, dep: AnyApplication | string): AnyApplication => {
    if (typeof dep !== "string") return dep;
    const found = byName.get(dep) ?? known(dep);
    if (found === undefined) throw new DependencyError("unknown_dependency", from.name, dep);
    if (!byName.has(dep)) collect(found);
    return found;
  };

  const order: AnyApplication[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (app: AnyApplication): void => {
    if (done.has(app.name)) return;
    const at = path.indexOf(app.name);
    if (at >= 0) {
      throw new DependencyError("cyclic_dependencies", app.name, undefined, [
        ...path.slice(at),
        app.name,
      ]);
    }
    path.push(app.name);
    for (const dep of app.dependencies ?? []) visit(lookup(app, dep));
    path.pop();
    done.add(app.name);
    order.push(app);
  };
  for (const app of roots) visit(app);
  return order;
}
