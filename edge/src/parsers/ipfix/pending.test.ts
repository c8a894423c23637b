/** @module IPFIX waiting room: data before its template, uptime data before systemInitTimeMilliseconds, expiry and overflow. */
import { describe, expect, it } from "vitest";
import { BASIC_FLOWS } from "../parser.case.js";
import { PENDING_MAX_AGE_MS } from "../exporter-state.js";
import { encodeIpfix } from "./encode.js";
import { parseAll, remessage, setIds, splitSets } from "./testkit.js";

const comparable = (flows: { exporterId: string }[]) => flows.map(({ exporterId: _e, ...rest }) => rest);

describe("ipfix: data waiting for its template", () => {
  const [templates, data] = encodeIpfix(BASIC_FLOWS) as [Uint8Array, Uint8Array];

  it("buffers data before its template and decodes it when the template arrives", () => {
    const first = parseAll([data]);
    expect(first.report).toMatchObject({ accepted: 0, rejected: 0, buffered: 1, released: 0 });
    expect(first.state.pendingCount()).toBe(1);
    const { flows, report, state } = parseAll([templates], first.state);
    expect(report).toMatchObject({ accepted: 4, released: 4, buffered: 0, rejected: 0 });
    expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
    expect(state.pendingCount()).toBe(0);
  });

  it(`expires data that waited more than ${PENDING_MAX_AGE_MS} ms (template_expired)`, () => {
    const kept = parseAll([data, { bytes: data, atMs: PENDING_MAX_AGE_MS }]);
    expect(kept.report.rejected).toBe(0);
    const { report, state } = parseAll([data, { bytes: data, atMs: 30_000 }, { bytes: templates, atMs: PENDING_MAX_AGE_MS + 1 }]);
    expect(report.issues.map((i) => i.code)).toEqual(["template_expired"]);
    expect(report).toMatchObject({ rejected: 1, buffered: 2, accepted: 4, released: 4 });
    expect(state.pendingCount()).toBe(0);
  });

  it("drops the oldest waiting sets when the pending buffer overflows (pending_overflow)", () => {
    const many = Array.from({ length: 30_000 }, (_, i) => ({ ...BASIC_FLOWS[1]!, srcPort: i % 65536 }));
    const messages = encodeIpfix(many, { templates: false, maxMessageBytes: 65535 });
    const { report, state } = parseAll(messages);
    expect(report.buffered).toBe(messages.length);
    expect(report.issues.some((i) => i.code === "pending_overflow")).toBe(true);
    expect(report.rejected).toBe(messages.length - state.pendingCount());
  });
});

describe("ipfix: uptime times and systemInitTimeMilliseconds (IE 160)", () => {
  const [templates, ...data] = encodeIpfix(BASIC_FLOWS, { times: "uptime" }) as [Uint8Array, ...Uint8Array[]];
  const [dataTemplates, optionsTemplate, initRecord] = splitSets(templates) as [Uint8Array, Uint8Array, Uint8Array];

  it("decodes uptime times against the system init time of the template message", () => {
    expect(setIds(templates)).toEqual([2, 3, 258]);
    const { flows, report } = parseAll([templates, ...data]);
    expect(report).toMatchObject({ accepted: 4, rejected: 0, buffered: 0 });
    expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
  });

  it("holds uptime data until the options record with IE 160 arrives, then decodes it exactly", () => {
    const first = parseAll([remessage(templates, [dataTemplates]), ...data]);
    expect(first.report).toMatchObject({ accepted: 0, buffered: 1, rejected: 0 });
    const { flows, report } = parseAll([remessage(templates, [optionsTemplate, initRecord])], first.state);
    expect(report).toMatchObject({ accepted: 4, released: 4, rejected: 0 });
    expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
  });

  it("chains: options record waiting for its options template, uptime data waiting for the init time", () => {
    const { flows, report } = parseAll([remessage(templates, [dataTemplates, initRecord]), ...data, remessage(templates, [optionsTemplate])]);
    expect(report).toMatchObject({ accepted: 4, released: 4, buffered: 2, rejected: 0 });
    expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
  });

  it("after the pending window, estimates the init time as export time − largest uptime and decodes", () => {
    const later = { bytes: remessage(templates, [dataTemplates]), atMs: PENDING_MAX_AGE_MS + 1 };
    const { flows, report, state } = parseAll([remessage(templates, [dataTemplates]), ...data, later]);
    expect(report).toMatchObject({ accepted: 4, released: 4, rejected: 0 });
    // The encoder's export time is the latest flow end rounded up to the second: here exact.
    expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
    const estimate = state.getSystemInitMs(0);
    // A real IE 160 replaces the estimate.
    parseAll([remessage(templates, [optionsTemplate, initRecord])], state);
    expect(state.getSystemInitMs(0)).toBe(estimate);
    const shifted = encodeIpfix(BASIC_FLOWS, { times: "uptime", systemInitMs: estimate! - 5000 })[0]!;
    parseAll([shifted], state);
    expect(state.getSystemInitMs(0)).toBe(estimate! - 5000);
  });
});
