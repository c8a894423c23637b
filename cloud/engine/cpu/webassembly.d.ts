/** @module The slice of the WebAssembly JS API the cpu backend uses (the repository's lib has no DOM typings; Node 20 provides these globals). */

declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  interface Memory {
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };

  interface ModuleExportDescriptor {
    kind: "function" | "table" | "memory" | "global" | "tag";
    name: string;
  }
  interface Module {}
  var Module: { prototype: Module; new (bytes: BufferSource): Module; exports(module: Module): ModuleExportDescriptor[] };

  type ExportValue = Function | Memory | unknown;
  type Exports = Record<string, ExportValue>;
  type ImportValue = Function | Memory | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  interface Instance {
    readonly exports: Exports;
  }
  var Instance: { prototype: Instance; new (module: Module, imports?: Imports): Instance };
}
