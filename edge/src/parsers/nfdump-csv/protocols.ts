/** @module IP protocol names as nfdump prints them (its protoList, protocols 0–137) and goflow2's few, both ways. */

// nfdump's table, index = protocol number. Entries that are digits ("0", "99", "128", "134") are numbers to nfdump too;
// "IDPR" names both 35 and 38, and nfdump's own lookup (ProtoNum) takes the first.
const NFDUMP_NAMES = (
  "0 ICMP IGMP GGP IPIP ST TCP CBT EGP IGP BBN NVPII PUP ARGUS ENCOM XNET CHAOS UDP MUX DCN HMP PRM XNS Trnk1 Trnk2 " +
  "Leaf1 Leaf2 RDP IRTP ISO-4 NETBK MFESP MEINP DCCP 3PC IDPR XTP DDP IDPR TP++ IL IPv6 SDRP Rte6 Frag6 IDRP RSVP GRE " +
  "MHRP BNA ESP AH INLSP SWIPE NARP MOBIL TLSP SKIP ICMP6 NOHE6 OPTS6 HOST CFTP NET SATNT KLAN RVD IPPC FS SATM VISA " +
  "IPCV CPNX CPHB WSN PVP BSATM SUNND WBMON WBEXP ISOIP VMTP SVMTP VINES TTP NSIGP DGP TCF EIGRP OSPF S-RPC LARP MTP " +
  "AX.25 OS MICP SCCSP ETHIP ENCAP 99 GMTP IFMP PNNI PIM ARIS SCPS QNX A/N IPcmp SNP CpqPP IPXIP VRRP PGM 0hop L2TP " +
  "DDX IATP STP SRP UTI SMP SM PTP ISIS4 FIRE CRTP CRUDP 128 IPLT SPS PIPE SCTP FC 134 MHEAD UDP-L MPLS"
).split(" ");

const BY_NAME = new Map<string, number>();
/** The names exactly as nfdump and goflow2 print them: looked up first, without case folding. */
const AS_PRINTED = new Map<string, number>([["ICMPv6", 58]]);
NFDUMP_NAMES.forEach((name, num) => {
  const key = name.toUpperCase();
  if (!/^\d+$/.test(name) && !BY_NAME.has(key)) {
    BY_NAME.set(key, num);
    AS_PRINTED.set(name, num);
  }
});
// goflow2 v2 renders 58 as "ICMPv6"; IANA's keyword is "IPv6-ICMP".
BY_NAME.set("ICMPV6", 58);
BY_NAME.set("IPV6-ICMP", 58);

/** Protocol number of a name (case-insensitive) or of decimal digits; -1 when neither. */
export function protocolNumber(text: string): number {
  const printed = AS_PRINTED.get(text);
  if (printed !== undefined) return printed;
  const t = text.trim();
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : -1;
  }
  return BY_NAME.get(t.toUpperCase()) ?? -1;
}

/** nfdump's name for a protocol when the name maps back to the same number, else the number as text. */
export function protocolName(num: number): string {
  const name = NFDUMP_NAMES[num];
  return name !== undefined && BY_NAME.get(name.toUpperCase()) === num ? name : String(num);
}

/** Protocol at [a, b) of `s` (name or number, blanks around allowed), without slicing for TCP/UDP/ICMP; -1 if unknown. */
export function readProtocol(s: string, a: number, b: number): number {
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  const len = b - a;
  const c0 = s.charCodeAt(a);
  if (len === 3 && s.charCodeAt(a + 2) === 80 /* P */) {
    if (c0 === 84 /* T */ && s.charCodeAt(a + 1) === 67 /* C */) return 6;
    if (c0 === 85 /* U */ && s.charCodeAt(a + 1) === 68 /* D */) return 17;
  } else if (len === 4 && c0 === 73 /* I */ && s.startsWith("CMP", a + 1)) {
    return 1;
  }
  return len === 0 ? -1 : protocolNumber(s.slice(a, b));
}
