/**
 * The loaded resolvers, keyed by `Type.field`: every load bundles and loads each resolver (and its
 * pipeline functions) again; a resolver whose new code fails keeps its last good version.
 */
import { type LoadedCode, loadResolverCode } from './runtime/index.ts';

/** One resolver as the catalog lists it (resolvers/catalog.ts `ResolverEntry`). */
export interface CatalogEntry {
  typeName: string;
  fieldName: string;
  kind: 'unit' | 'pipeline';
  dataSource?: string;
  functions: Array<{ name: string; dataSource: string; source: string }>;
  source: string;
  maxBatchSize?: number;
}

export interface LoadedFunction {
  name: string;
  dataSource: string;
  code: LoadedCode;
}

export interface LoadedResolver {
  typeName: string;
  fieldName: string;
  kind: 'unit' | 'pipeline';
  dataSource?: string;
  code: LoadedCode;
  functions: LoadedFunction[];
  maxBatchSize?: number;
}

export interface LoadReport {
  loaded: string[];
  /** Resolvers whose new code failed; their previous version (if any) stays in service. */
  failures: Array<{ resolver: string; message: string }>;
}

export interface ResolverSource {
  /** Lists the resolvers (the catalog). */
  list(): CatalogEntry[] | Promise<CatalogEntry[]>;
  /** Bundles one source file to APPSYNC_JS code. */
  bundle(source: string): string | Promise<string>;
}

const keyOf = (typeName: string, fieldName: string) => `${typeName}.${fieldName}`;

export class ResolverTable {
  private resolvers = new Map<string, LoadedResolver>();
  /** Resolvers listed but never loaded successfully: their fields must fail, not resolve by property. */
  private broken = new Map<string, string>();

  /** Bumped by every load: whoever keeps a lookup keeps it until this changes. */
  private loads = 0;

  constructor(private readonly source: ResolverSource) {}

  /** Changes whenever the loaded resolvers may have. */
  get generation(): number {
    return this.loads;
  }

  get(typeName: string, fieldName: string): LoadedResolver | undefined {
    return this.resolvers.get(keyOf(typeName, fieldName));
  }

  /** Why a listed resolver has no code in service, if that is the case. */
  failure(typeName: string, fieldName: string): string | undefined {
    return this.broken.get(keyOf(typeName, fieldName));
  }

  all(): LoadedResolver[] {
    return [...this.resolvers.values()];
  }

  async load(): Promise<LoadReport> {
    const report: LoadReport = { loaded: [], failures: [] };
    let entries: CatalogEntry[];
    try {
      entries = await this.source.list();
    } catch (error) {
      report.failures.push({ resolver: '(catalog)', message: messageOf(error) });
      return report;
    }
    const next = new Map<string, LoadedResolver>();
    const broken = new Map<string, string>();
    for (const entry of entries) {
      const key = keyOf(entry.typeName, entry.fieldName);
      try {
        next.set(key, await this.loadEntry(entry));
        report.loaded.push(key);
      } catch (error) {
        report.failures.push({ resolver: key, message: messageOf(error) });
        const previous = this.resolvers.get(key);
        if (previous) next.set(key, previous);
        else broken.set(key, messageOf(error));
      }
    }
    this.resolvers = next;
    this.broken = broken;
    this.loads += 1;
    return report;
  }

  private async loadEntry(entry: CatalogEntry): Promise<LoadedResolver> {
    const load = async (source: string) => loadResolverCode(await this.source.bundle(source), source);
    const functions: LoadedFunction[] = [];
    for (const fn of entry.functions) {
      functions.push({ name: fn.name, dataSource: fn.dataSource, code: await load(fn.source) });
    }
    if (entry.kind === 'unit' && !entry.dataSource) throw new Error('a unit resolver needs a data source');
    return {
      typeName: entry.typeName,
      fieldName: entry.fieldName,
      kind: entry.kind,
      ...(entry.dataSource ? { dataSource: entry.dataSource } : {}),
      code: await load(entry.source),
      functions,
      ...(entry.maxBatchSize !== undefined ? { maxBatchSize: entry.maxBatchSize } : {}),
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
