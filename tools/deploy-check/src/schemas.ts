// Turns Kubernetes' OpenAPI v2 document and CRDs' openAPIV3Schema into the JSON schemas kubeconform
// reads, the way kubeconform's openapi2jsonschema does in "standalone strict" mode: one
// self-contained file per kind, and every object that lists its properties refuses any other.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** Where kubeconform looks, relative to the schema directory (see `schemaLocations`). */
export const kubernetesSchemaTemplate = 'kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';
export const crdSchemaTemplate = 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json';

/** kubeconform's file name for a built-in kind: `deployment-apps-v1.json`, `service-v1.json`. */
export function kubernetesSchemaPath(kubernetesVersion: string, group: string, version: string, kind: string): string {
  const suffix = group === '' ? `-${version}` : `-${group.split('.')[0]}-${version}`;
  return `kubernetes/v${kubernetesVersion.replace(/^v/, '')}-standalone-strict/${kind.toLowerCase()}${suffix.toLowerCase()}.json`;
}

/** kubeconform's file name for a custom resource under `crdSchemaTemplate`. */
export function crdSchemaPath(group: string, version: string, kind: string): string {
  return `crds/${group}/${kind.toLowerCase()}_${version}.json`;
}

const intOrString = (extra: Schema = {}): Schema => ({ ...extra, oneOf: [{ type: 'string' }, { type: 'integer' }] });

function withNull(schema: Schema): Schema {
  if (typeof schema['type'] === 'string') return { ...schema, type: [schema['type'], 'null'] };
  if (Array.isArray(schema['type'])) return schema['type'].includes('null') ? schema : { ...schema, type: [...schema['type'], 'null'] };
  // A bare $ref stays as it is: its definition admits null itself (see `kubernetesSchemas`), and an
  // anyOf around it would hide the real error behind "anyOf failed".
  if (typeof schema['$ref'] === 'string') return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * One definition of the OpenAPI v2 document made strict: `additionalProperties: false` wherever
 * `properties` are listed, optional fields may be null (the API server treats null as unset), and
 * refs point into the same file's `definitions`.
 */
function strictV2(node: Json): Json {
  if (Array.isArray(node)) return node.map(strictV2);
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      const required = Array.isArray(node['required']) ? node['required'] : [];
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => {
          const strict = strictV2(property) as Schema;
          return [name, required.includes(name) ? strict : withNull(strict)];
        }),
      );
    } else if (key === 'additionalProperties' || key === 'items') {
      out[key] = strictV2(value);
    } else {
      out[key] = value;
    }
  }
  if (isObject(out['properties']) && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

function refsOf(node: Json, found: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => refsOf(item, found));
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) found.add(value.slice('#/definitions/'.length));
      else refsOf(value, found);
    }
  }
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/**
 * Every kind of the Kubernetes OpenAPI v2 document (`api/openapi-spec/swagger.json`) as
 * `{ path: schema }`, each schema standalone: the definitions it reaches are embedded.
 */
export function kubernetesSchemas(swagger: { definitions: Record<string, Schema> }, kubernetesVersion: string): Map<string, Schema> {
  const definitions: Record<string, Schema> = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    if (name === INT_OR_STRING) definitions[name] = intOrString({ description: String(definition['description'] ?? '') });
    else if (name === QUANTITY) definitions[name] = { description: String(definition['description'] ?? ''), oneOf: [{ type: 'string' }, { type: 'number' }] };
    // Objects admit null, as openapi2jsonschema's standalone schemas do: an optional object field
    // left empty by a template (`resources:`) is unset to the API server.
    else definitions[name] = withNull(strictV2(definition) as Schema);
  }
  const reachable = (root: string): string[] => {
    const seen = new Set<string>([root]);
    const queue = [root];
    while (queue.length) {
      const found = new Set<string>();
      refsOf(definitions[queue.pop() as string] ?? null, found);
      for (const name of found) {
        if (seen.has(name)) continue;
        seen.add(name);
        queue.push(name);
      }
    }
    seen.delete(root);
    return [...seen].sort();
  };
  const out = new Map<string, Schema>();
  for (const [name, definition] of Object.entries(definitions)) {
    const kinds = swagger.definitions[name]?.['x-kubernetes-group-version-kind'];
    if (!Array.isArray(kinds)) continue;
    for (const gvk of kinds as unknown as GroupVersionKind[]) {
      const path = kubernetesSchemaPath(kubernetesVersion, gvk.group, gvk.version, gvk.kind);
      if (out.has(path)) continue;
      const embedded = Object.fromEntries(reachable(name).map((dep) => [dep, definitions[dep] as Schema]));
      out.set(path, { $schema: 'http://json-schema.org/draft-07/schema#', ...definition, definitions: embedded });
    }
  }
  return out;
}

/**
 * A CRD version's `openAPIV3Schema` made strict: unknown fields fail unless
 * `x-kubernetes-preserve-unknown-fields: true`, `x-kubernetes-int-or-string` takes a string or an
 * integer, `nullable: true` admits null.
 */
export function strictCrdSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(strictCrdSchema);
  if (!isObject(node)) return node;
  if (node['x-kubernetes-int-or-string'] === true) {
    const rest = Object.fromEntries(Object.entries(node).filter(([key]) => !['type', 'anyOf', 'oneOf'].includes(key)));
    const schema = intOrString(rest);
    return node['nullable'] === true ? { anyOf: [schema, { type: 'null' }] } : schema;
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, strictCrdSchema(property)]));
    } else if (['items', 'additionalProperties', 'not'].includes(key)) {
      out[key] = strictCrdSchema(value);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = strictCrdSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (isObject(out['properties']) && out['additionalProperties'] === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out['additionalProperties'] = false;
  }
  return node['nullable'] === true ? withNull(out) : out;
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

/** Every served version of a CustomResourceDefinition as `{ path: schema }`. */
export function crdSchemas(crd: CrdDocument): Map<string, Schema> {
  if (crd.kind !== 'CustomResourceDefinition' || !crd.spec) throw new Error(`not a CustomResourceDefinition: ${JSON.stringify(crd).slice(0, 200)}`);
  const { group, names, versions = [] } = crd.spec;
  const out = new Map<string, Schema>();
  for (const version of versions) {
    if (version.served === false) continue;
    const schema = version.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`${names.kind}.${group}/${version.name} has no openAPIV3Schema`);
    out.set(crdSchemaPath(group, version.name, names.kind), { $schema: 'http://json-schema.org/draft-07/schema#', ...(strictCrdSchema(schema) as Schema) });
  }
  return out;
}
