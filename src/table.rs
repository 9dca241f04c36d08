//! Tag tables (`ptag.dat`, `sip_ptag.dat`): which tag, value format and size each
//! parameter name has, in which protocol context.

use std::collections::HashMap;
use std::fmt;

use crate::cnum::{Signedness, parse_c_int};

/// Format bits of a descriptor (`tagFmtBit`).
pub mod fmt_bits {
    pub const IPV4: u16 = 0x0002;
    pub const INT: u16 = 0x0004;
    pub const DIGITS: u16 = 0x0008;
    pub const STRING: u16 = 0x0010;
    pub const BOOL: u16 = 0x0020;
    pub const SHORTS: u16 = 0x0040;
    pub const EXT_IP: u16 = 0x0080;
    pub const OLD_TONE: u16 = 0x0100;
    pub const UNSIGNED: u16 = 0x0200;
    pub const HEX: u16 = 0x0400;
    pub const SENSITIVE: u16 = 0x4000;
    pub const EXTENDED: u16 = 0x8000;
}

/// Protocol context bits, also the values of the `-h323 -sip -mgcp -sccp` filter switches.
pub mod context {
    pub const H323: u16 = 0x1;
    pub const SIP: u16 = 0x2;
    pub const MGCP: u16 = 0x4;
    pub const SCCP: u16 = 0x8;
    /// The filter when no protocol switch is given.
    pub const ALL: u16 = 0xFFFF;
}

/// Tags below this are "small": one record each, written in ascending order.
pub const FIRST_BIG_TAG: u16 = 0xFF;
/// Largest tag or length a two-byte varint can hold.
pub const MAX_TAG: u16 = 0x7FFF;
/// A descriptor's size bound (the original's 512-byte scratch buffer).
pub const MAX_SIZE: u16 = 512;
/// Names are kept up to this many characters, as the original's 32-byte field.
pub const MAX_NAME: usize = 31;
/// Largest tag table read, far above any real one (Cisco's are a few KiB).
pub const MAX_TABLE_BYTES: usize = 1 << 20;

/// One line of a tag table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub tag: u16,
    pub fmt: u16,
    pub name: String,
    pub size: u16,
    pub context: u16,
    /// 1-based line in the table file.
    pub line: usize,
}

impl Descriptor {
    pub fn is_big(&self) -> bool {
        self.tag >= FIRST_BIG_TAG
    }
    pub fn is_sensitive(&self) -> bool {
        self.fmt & fmt_bits::SENSITIVE != 0
    }
}

/// A problem with one table line; the line is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableWarning {
    pub line: usize,
}

impl fmt::Display for TableWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: invalid ptag entry at line {}", self.line)
    }
}

/// A loaded tag table with its name and tag indexes.
#[derive(Debug, Clone, Default)]
pub struct TagTable {
    entries: Vec<Descriptor>,
    by_name: HashMap<String, Vec<usize>>,
    by_tag: HashMap<u16, Vec<usize>>,
}

fn parse_field(token: &[u8]) -> Option<u32> {
    let c = parse_c_int(token, Signedness::Unsigned)?;
    // A table is data another program may have written: take only clean numbers.
    (c.consumed == token.len() && !c.clamped).then_some(c.value)
}

fn parse_line(line: &[u8], number: usize) -> Option<Descriptor> {
    let content = line
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    let mut tokens = content
        .split(|&b| matches!(b, b',' | b' ' | b'\t'))
        .filter(|t| !t.is_empty());
    let tag = parse_field(tokens.next()?)?;
    let fmt = parse_field(tokens.next()?)?;
    let name = tokens.next()?;
    let size = parse_field(tokens.next()?)?;
    let context = match tokens.next() {
        Some(t) => parse_field(t)?,
        None => u32::from(context::ALL),
    };
    if tag > u32::from(MAX_TAG) || fmt > 0xFFFF || context > 0xFFFF {
        return None;
    }
    if size == 0 || size > u32::from(MAX_SIZE) {
        return None;
    }
    let name: String = name.iter().take(MAX_NAME).map(|&b| char::from(b)).collect();
    Some(Descriptor {
        tag: tag as u16,
        fmt: fmt as u16,
        name,
        size: size as u16,
        context: context as u16,
        line: number,
    })
}

impl TagTable {
    /// Reads a table. Bad lines are skipped and reported; nothing here is fatal.
    pub fn parse(text: &[u8]) -> (TagTable, Vec<TableWarning>) {
        let mut table = TagTable::default();
        let mut warnings = Vec::new();
        for (index, line) in text.split(|&b| b == b'\n').enumerate() {
            let number = index + 1;
            match line.first() {
                None | Some(b'#' | b'\r') => continue,
                _ => {}
            }
            match parse_line(line, number) {
                Some(d) => table.push(d),
                None => warnings.push(TableWarning { line: number }),
            }
        }
        (table, warnings)
    }

    fn push(&mut self, d: Descriptor) {
        let index = self.entries.len();
        self.by_name
            .entry(d.name.to_ascii_lowercase())
            .or_default()
            .push(index);
        self.by_tag.entry(d.tag).or_default().push(index);
        self.entries.push(d);
    }

    pub fn entries(&self) -> &[Descriptor] {
        &self.entries
    }

    /// Encoding lookup: the first line whose name matches (any case) in the filter's context.
    pub fn by_name(&self, name: &str, filter: u16) -> Option<&Descriptor> {
        let key = name.to_ascii_lowercase();
        self.by_name
            .get(&key)?
            .iter()
            .filter_map(|&i| self.entries.get(i))
            .find(|d| d.context & filter != 0)
    }

    /// Decoding lookup: the last line with that tag in the filter's context (the original
    /// prepended each line to a list, so the last one was found first).
    pub fn by_tag(&self, tag: u16, filter: u16) -> Option<&Descriptor> {
        self.by_tag
            .get(&tag)?
            .iter()
            .rev()
            .filter_map(|&i| self.entries.get(i))
            .find(|d| d.context & filter != 0)
    }
}

/// A tag table compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinTable {
    /// Canonical name, used as `-tbuiltin:<name>` or `--table builtin:<name>`.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    /// The file it stands for in Cisco's packages.
    pub vendor_file: &'static str,
    pub text: &'static str,
}

/// Prefix that selects a built-in table where a path is expected.
pub const BUILTIN_PREFIX: &str = "builtin:";

pub const BUILTIN_TABLES: &[BuiltinTable] = &[
    BuiltinTable {
        name: "ata186",
        aliases: &["ata", "ata188", "ata186-sip-3.1"],
        description: "ATA 186/188 SIP 3.1 (also H.323, MGCP, SCCP aliases)",
        vendor_file: "ptag.dat",
        text: include_str!("../formats/tables/ata186-sip-3.1.dat"),
    },
    BuiltinTable {
        name: "7912",
        aliases: &["7905", "7905-7912", "7905-7912-sip", "sip_ptag"],
        description: "7905G/7912G SIP",
        vendor_file: "sip_ptag.dat",
        text: include_str!("../formats/tables/7905-7912-sip.dat"),
    },
];

/// Finds a built-in table by name or alias (any case).
pub fn builtin(name: &str) -> Option<&'static BuiltinTable> {
    BUILTIN_TABLES.iter().find(|t| {
        t.name.eq_ignore_ascii_case(name) || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (TagTable, Vec<TableWarning>) {
        TagTable::parse(text.as_bytes())
    }

    #[test]
    fn builtin_tables_load_cleanly() {
        for b in BUILTIN_TABLES {
            let (t, w) = table(b.text);
            assert!(w.is_empty(), "{}: {w:?}", b.name);
            assert!(t.entries().len() > 70, "{}", b.name);
        }
        assert_eq!(table(BUILTIN_TABLES[0].text).0.entries().len(), 110);
    }

    #[test]
    fn separators_crlf_and_default_context() {
        let (t, w) = table("#c\r\n1 0x400 Huge 99\r\n2,\t0x10,,Name,8,0x2\n\n");
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 2);
        assert_eq!(t.entries()[0].context, 0xFFFF);
        assert_eq!(t.entries()[1].name, "Name");
        assert_eq!(t.entries()[1].context, 2);
    }

    #[test]
    fn bad_lines_warn_with_physical_line_number() {
        let (t, w) =
            table("#h\n1,2,three\nx,0x10,N,4\n  \n5,0x10,Ok,4\n7,0x10,Z,0\n8,0x10,Big,513\n");
        assert_eq!(t.entries().len(), 1);
        let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [2, 3, 4, 6, 7]);
        assert_eq!(w[0].to_string(), "warning: invalid ptag entry at line 2");
    }

    #[test]
    fn long_comment_lines_are_fine() {
        let text = format!("#{}\n3,0x0006,StaticIP,4\n", "-".repeat(300));
        let (t, w) = table(&text);
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 1);
    }

    #[test]
    fn names_truncate_to_31() {
        let text = format!("3,0x10,{},4\n", "N".repeat(40));
        assert_eq!(table(&text).0.entries()[0].name.len(), 31);
    }

    #[test]
    fn tags_above_ff_and_limits() {
        let (t, w) = table("0x2001,0x020C,RegMode,4,0x8\n0x8000,0x10,TooBig,4\n");
        assert_eq!(w.len(), 1);
        assert!(t.entries()[0].is_big());
    }

    #[test]
    fn ata_alias_rules() {
        let (t, _) = table(BUILTIN_TABLES[0].text);
        // Decoding: last matching line.
        assert_eq!(
            t.by_tag(21, context::ALL).map(|d| d.name.as_str()),
            Some("UseH323ID")
        );
        assert_eq!(
            t.by_tag(21, context::SIP).map(|d| d.name.as_str()),
            Some("UseLoginID")
        );
        assert_eq!(t.by_tag(21, context::MGCP), None);
        assert_eq!(
            t.by_tag(29, context::ALL).map(|d| d.name.as_str()),
            Some("CA0orCM0")
        );
        assert_eq!(
            t.by_tag(47, context::SIP).map(|d| d.name.as_str()),
            Some("ConfirmTone")
        );
        assert_eq!(
            t.by_tag(44, context::H323).map(|d| d.name.as_str()),
            Some("H323id0")
        );
        // Encoding: first match in context, any case.
        assert_eq!(t.by_name("gateway", context::ALL).map(|d| d.tag), Some(30));
        assert_eq!(t.by_name("Gateway", context::SIP), None);
        assert_eq!(
            t.by_name("GKORPROXY", context::SIP).map(|d| d.tag),
            Some(29)
        );
    }

    #[test]
    fn encode_lookup_takes_first_of_duplicate_names() {
        let (t, _) = table("5,0x10,Dup,4\n6,0x10,Dup,4\n");
        assert_eq!(t.by_name("dup", context::ALL).map(|d| d.tag), Some(5));
    }

    /// Found by fuzzing (`table_parse`): a line with context 0 is in no protocol, so no
    /// filter reaches it, by name or by tag.
    #[test]
    fn context_zero_is_never_found() {
        let (t, w) = table("5,0x10,Nowhere,4,0\n");
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 1);
        assert!(t.by_name("Nowhere", context::ALL).is_none());
        assert!(t.by_tag(5, context::ALL).is_none());
    }

    #[test]
    fn builtin_lookup_by_alias() {
        assert_eq!(builtin("ATA").map(|b| b.name), Some("ata186"));
        assert_eq!(builtin("7905").map(|b| b.name), Some("7912"));
        assert!(builtin("nope").is_none());
    }
}
