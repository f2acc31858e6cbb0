// The UI types' writer: walks the server's answer types and spells each one out as it arrives in the
// browser (after JSON.stringify), naming the server's own declarations instead of inlining them.
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SRC_DIR = path.join(ROOT, 'src') + path.sep;
export const API_DIR = path.join(ROOT, 'src/api');

/** A declaration the output names rather than spells out: the server's own, non-generic types. */
interface Named {
  name: string;
  symbol: ts.Symbol;
  declaration: ts.InterfaceDeclaration | ts.TypeAliasDeclaration;
}

export class Emitter {
  private readonly named = new Map<ts.Symbol, Named>();
  private readonly byName = new Map<string, ts.Symbol>();
  private readonly queue: Named[] = [];
  private readonly problems: string[] = [];

  /** Aliases of src/api such as `PublicUser = ReturnType<typeof publicUser>`, found back by their type. */
  private readonly aliases = new Map<ts.Type, { symbol: ts.Symbol; declaration: ts.TypeAliasDeclaration }>();

  constructor(private readonly checker: ts.TypeChecker) {}

  knowAlias(symbol: ts.Symbol): void {
    const declaration = symbol.declarations?.find(ts.isTypeAliasDeclaration);
    const type = declaration && !declaration.typeParameters ? this.checker.getDeclaredTypeOfSymbol(symbol) : undefined;
    // The first name wins: src/api's answers are registered before the rest of src.
    if (declaration && type && worthNaming(type) && !this.aliases.has(type)) this.aliases.set(type, { symbol, declaration });
  }

  root(symbol: ts.Symbol): void {
    const declaration = symbol.declarations?.find(
      (d): d is Named['declaration'] => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d),
    );
    if (!declaration) return;
    this.nameOf(symbol, declaration);
  }

  /**
   * Emits the queued declarations, and those they reach, one namespace block per server module
   * they are declared in (keyed by its path under src/ without the extension), sorted by name.
   * The blocks merge into one `Api` namespace in the browser's type check.
   */
  emitAll(): Map<string, string> {
    const byModule = new Map<string, Map<string, string>>();
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const module = moduleOf(next.declaration);
      const declarations = byModule.get(module) ?? new Map<string, string>();
      declarations.set(next.name, this.declare(next));
      byModule.set(module, declarations);
    }
    if (this.problems.length) throw new Error(`gen-ui-types: these types cannot travel as JSON:\n  ${this.problems.join('\n  ')}`);
    const out = new Map<string, string>();
    for (const module of [...byModule.keys()].sort()) {
      const declarations = byModule.get(module) as Map<string, string>;
      const body = [...declarations.keys()]
        .sort()
        .map((k) => declarations.get(k))
        .join('\n\n');
      out.set(module, `declare namespace Api {\n${indent(body)}\n}\n`);
    }
    return out;
  }

  private nameOf(symbol: ts.Symbol, declaration: Named['declaration']): string {
    const known = this.named.get(symbol);
    if (known) return known.name;
    const name = symbol.getName();
    const clash = this.byName.get(name);
    if (clash) throw new Error(`gen-ui-types: two server types are both called ${name} (${where(clash)} and ${where(symbol)}); rename one`);
    const entry = { name, symbol, declaration };
    this.named.set(symbol, entry);
    this.byName.set(name, symbol);
    this.queue.push(entry);
    return name;
  }

  private declare(entry: Named): string {
    // Only src/api's own notes: elsewhere a type's comment is often the file's header.
    const docs = path.resolve(entry.declaration.getSourceFile().fileName).startsWith(API_DIR) ? docComment(entry.symbol, this.checker) : '';
    const type = this.checker.getDeclaredTypeOfSymbol(entry.symbol);
    if (ts.isInterfaceDeclaration(entry.declaration)) return `${docs}interface ${entry.name} ${this.objectLiteral(type, entry.name)}`;
    return `${docs}type ${entry.name} = ${this.render(type, entry.name, true)};`;
  }

  /** A server-declared, non-generic interface or alias is named; everything else is spelled out. */
  private reference(type: ts.Type): string | undefined {
    const known = this.aliases.get(type);
    if (known) return this.nameOf(known.symbol, known.declaration);
    const alias = type.aliasSymbol;
    if (alias && !type.aliasTypeArguments?.length) {
      const declaration = alias.declarations?.find(ts.isTypeAliasDeclaration);
      if (declaration && ownSource(declaration) && !declaration.typeParameters) return this.nameOf(alias, declaration);
    }
    const symbol = type.getSymbol();
    if (symbol && type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Interface) {
      const declaration = symbol.declarations?.find(ts.isInterfaceDeclaration);
      if (declaration && ownSource(declaration) && !declaration.typeParameters) return this.nameOf(symbol, declaration);
    }
    return undefined;
  }

  /** `top` is set for the body of a named alias, which must not just name itself. */
  private render(type: ts.Type, where: string, top = false): string {
    if (!top) {
      const ref = this.reference(type);
      if (ref) return ref;
    }
    const f = type.flags;
    if (f & ts.TypeFlags.Any || f & ts.TypeFlags.Unknown) return 'unknown';
    if (f & ts.TypeFlags.Never) return 'never';
    if (f & ts.TypeFlags.Null) return 'null';
    if (f & ts.TypeFlags.Undefined || f & ts.TypeFlags.Void) return 'undefined';
    if (f & ts.TypeFlags.Boolean) return 'boolean';
    if (f & ts.TypeFlags.BooleanLiteral) return this.checker.typeToString(type);
    if (f & ts.TypeFlags.StringLiteral) return JSON.stringify((type as ts.StringLiteralType).value).replaceAll('"', "'");
    if (f & ts.TypeFlags.NumberLiteral) return String((type as ts.NumberLiteralType).value);
    if (f & ts.TypeFlags.String || f & ts.TypeFlags.TemplateLiteral) return 'string';
    if (f & ts.TypeFlags.Number) return 'number';
    if (f & ts.TypeFlags.EnumLike) return this.checker.typeToString(this.checker.getBaseTypeOfLiteralType(type));
    if (f & ts.TypeFlags.BigInt || f & ts.TypeFlags.ESSymbolLike) return this.refuse(where, type);
    if (type.isUnion()) return this.union(type.types, where);
    if (type.isIntersection()) return type.types.map((t) => this.wrap(this.render(t, where))).join(' & ');
    if (f & ts.TypeFlags.Object) return this.object(type, where);
    return this.refuse(where, type);
  }

  private union(members: readonly ts.Type[], where: string): string {
    // `boolean` arrives as true | false: written back as one word.
    const hasTrue = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'true');
    const hasFalse = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'false');
    const parts = members
      .filter((t) => !(hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral))
      .map((t) => this.wrap(this.render(t, where)));
    if (hasTrue && hasFalse) parts.push('boolean');
    // Sorted, null last: the checker's own order follows type ids, which follow checking order.
    const rank = (p: string) => (p === 'null' ? 2 : p === 'undefined' ? 3 : 1);
    return [...new Set(parts)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)).join(' | ');
  }

  private wrap(text: string): string {
    return /^[\w.'"\-\s]+(\[\])*$|^\{[\s\S]*\}$|^\[[\s\S]*\]$/.test(text) ? text : `(${text})`;
  }

  private object(type: ts.Type, where: string): string {
    const toJson = type.getProperty('toJSON');
    if (toJson) {
      // A Date and anything else with toJSON travels as what toJSON returns.
      const signature = this.checker.getTypeOfSymbol(toJson).getCallSignatures()[0];
      if (signature) return this.render(this.checker.getReturnTypeOfSignature(signature), where);
    }
    if (this.checker.isArrayType(type) || isReadonlyArray(type)) {
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference);
      return `${this.wrap(element ? this.render(element, where) : 'unknown')}[]`;
    }
    if (this.checker.isTupleType(type))
      return `[${this.checker
        .getTypeArguments(type as ts.TypeReference)
        .map((t) => this.render(t, where))
        .join(', ')}]`;
    const name = type.getSymbol()?.getName();
    if (name === 'Map' || name === 'Set' || name === 'Promise' || type.getCallSignatures().length) return this.refuse(where, type);
    return this.objectLiteral(type, where);
  }

  private objectLiteral(type: ts.Type, where: string): string {
    const lines: string[] = [];
    for (const info of this.checker.getIndexInfosOfType(type))
      lines.push(`[key: ${this.checker.typeToString(info.keyType)}]: ${this.render(info.type, where)};`);
    for (const prop of this.checker.getPropertiesOfType(type)) {
      const propType = this.checker.getTypeOfSymbol(prop);
      if (propType.getCallSignatures().length && !(propType.flags & ts.TypeFlags.Union)) continue; // methods do not survive JSON
      const { rendered, optional } = this.propertyType(
        propType,
        `${where}.${prop.getName()}`,
        Boolean(prop.flags & ts.SymbolFlags.Optional),
      );
      const key = /^[A-Za-z_$][\w$]*$/.test(prop.getName()) ? prop.getName() : JSON.stringify(prop.getName());
      lines.push(`${docComment(prop, this.checker)}${key}${optional ? '?' : ''}: ${rendered};`);
    }
    return lines.length ? `{\n${indent(lines.join('\n'))}\n}` : '{}';
  }

  /** JSON.stringify leaves out a key whose value is undefined: such a property is optional. */
  private propertyType(type: ts.Type, where: string, optional: boolean): { rendered: string; optional: boolean } {
    if (type.isUnion() && type.types.some((t) => t.flags & ts.TypeFlags.Undefined) && !type.aliasSymbol) {
      const rest = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
      return { rendered: rest.length ? this.union(rest, where) : 'never', optional: true };
    }
    if (type.flags & ts.TypeFlags.Undefined) return { rendered: 'never', optional: true };
    return { rendered: this.render(type, where), optional };
  }

  private refuse(where: string, type: ts.Type): string {
    this.problems.push(`${where}: ${this.checker.typeToString(type)}`);
    return 'unknown';
  }
}

/** `type Id = string` must not rename every string: only objects and unions with a literal or an object in them. */
function worthNaming(type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.Boolean) return false;
  const distinctive = (t: ts.Type) =>
    Boolean(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.Intersection));
  if (type.isUnion()) return type.types.some(distinctive);
  return Boolean(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection));
}

function isReadonlyArray(type: ts.Type): boolean {
  return type.getSymbol()?.getName() === 'ReadonlyArray';
}

function ownSource(node: ts.Node): boolean {
  const file = node.getSourceFile().fileName;
  return path.resolve(file).startsWith(SRC_DIR) && !file.includes('/node_modules/');
}

function where(symbol: ts.Symbol): string {
  const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '?';
  return path.relative(ROOT, file);
}

function docComment(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  if (!text) return '';
  return `/** ${text.replaceAll('*/', '* /').split('\n').join('\n * ')} */\n`;
}

/** "api/routes-item" for src/api/routes-item.ts: where a declaration's block is written. */
function moduleOf(declaration: Named['declaration']): string {
  const file = path.relative(SRC_DIR, path.resolve(declaration.getSourceFile().fileName));
  return file.replace(/\.ts$/, '').split(path.sep).join('/');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
