//! Annotated hex dumps shared by the package inspectors (and, later, binary profiles).
//!
//! A dump is a list of [`Span`]s over the file; [`render_annotated`] prints every byte of the
//! file exactly once, labelling the bytes no span covers as "unaccounted" (or "trailing data"
//! past the last span), so nothing can hide between two fields.
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Bad,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Span {
    pub offset: usize,
    pub len: usize,
    pub label: String,
    pub detail: String,
    pub status: Status,
}

impl Span {
    pub fn new(
        offset: usize,
        len: usize,
        label: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Span {
            offset,
            len,
            label: label.into(),
            detail: detail.into(),
            status: Status::Info,
        }
    }
    pub fn with_status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }
    fn end(&self) -> usize {
        self.offset.saturating_add(self.len)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DumpStyle {
    pub color: bool,
}

const ROW: usize = 16;
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn marker(status: Status, style: &DumpStyle) -> String {
    let (text, colour) = match status {
        Status::Ok => ("OK ", GREEN),
        Status::Bad => ("BAD", RED),
        Status::Info => ("   ", ""),
    };
    if style.color && !colour.is_empty() {
        format!("{colour}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn hex_cell(chunk: &[u8]) -> String {
    let mut s = String::with_capacity(ROW * 3);
    for (i, b) in chunk.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn annotation(span: &Span) -> String {
    if span.detail.is_empty() {
        span.label.clone()
    } else {
        format!("{}: {}", span.label, span.detail)
    }
}

/// Print one span: first row carries the label, further rows only bytes.
fn push_rows(out: &mut String, bytes: &[u8], span: &Span, style: &DumpStyle) {
    let start = span.offset.min(bytes.len());
    let end = span.end().min(bytes.len());
    let data = bytes.get(start..end).unwrap_or_default();
    let mut first = true;
    let mut chunks = data.chunks(ROW).peekable();
    if chunks.peek().is_none() {
        // Zero-length or out-of-file span: still show the annotation.
        let _ = writeln!(
            out,
            "{:08x}  {:<47}  {} {}",
            span.offset,
            "",
            marker(span.status, style),
            annotation(span)
        );
        return;
    }
    let mut off = start;
    for chunk in chunks {
        let hex = hex_cell(chunk);
        if first {
            let _ = writeln!(
                out,
                "{:08x}  {:<47}  {} {}",
                off,
                hex,
                marker(span.status, style),
                annotation(span)
            );
            first = false;
        } else if style.color {
            let _ = writeln!(out, "{off:08x}  {DIM}{hex:<47}{RESET}");
        } else {
            let _ = writeln!(out, "{off:08x}  {hex:<47}");
        }
        off = off.saturating_add(chunk.len());
    }
}

/// Every byte accounted for: bytes not covered by a span are shown as "unaccounted" (or
/// "trailing data") rows. Overlapping spans are printed in offset order (nested fields such as
/// TLV containers overlap their children on purpose).
pub fn render_annotated(bytes: &[u8], spans: &[Span], style: &DumpStyle) -> String {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| (s.offset, std::cmp::Reverse(s.len)));
    let last_end = sorted.iter().map(|s| s.end()).max().unwrap_or(0);
    let mut out = String::new();
    let mut covered = 0usize; // first byte not yet printed by a leaf row
    for (index, span) in sorted.iter().enumerate() {
        if span.offset > covered && covered < bytes.len() {
            let gap = Span::new(
                covered,
                span.offset.min(bytes.len()) - covered,
                "unaccounted",
                "",
            )
            .with_status(Status::Bad);
            push_rows(&mut out, bytes, &gap, style);
        }
        // Sorted by offset, a span's children follow it and start before it ends: look
        // only at those, not at every span (a file can have hundreds of thousands).
        let is_container = sorted
            .iter()
            .skip(index + 1)
            .take_while(|c| c.offset < span.end())
            .any(|c| c.end() <= span.end() && c.len < span.len);
        if is_container {
            // A container only announces itself; its children print the bytes.
            let header = Span {
                len: 0,
                detail: if span.detail.is_empty() {
                    format!("({} bytes)", span.len)
                } else {
                    format!("{} ({} bytes)", span.detail, span.len)
                },
                ..(*span).clone()
            };
            push_rows(&mut out, bytes, &header, style);
            covered = covered.max(span.offset);
        } else {
            let visible = Span {
                offset: span.offset.max(covered),
                len: span.end().saturating_sub(span.offset.max(covered)),
                ..(*span).clone()
            };
            if visible.len > 0 || span.len == 0 {
                push_rows(&mut out, bytes, &visible, style);
            }
            covered = covered.max(span.end());
        }
    }
    if covered < bytes.len() {
        let label = if last_end <= covered {
            "trailing data"
        } else {
            "unaccounted"
        };
        let tail = Span::new(covered, bytes.len() - covered, label, "").with_status(Status::Bad);
        push_rows(&mut out, bytes, &tail, style);
    }
    out
}

/// The classic 16-bytes-a-row hexdump with ASCII column.
pub fn render_raw(bytes: &[u8], style: &DumpStyle) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(ROW).enumerate() {
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let offset = row * ROW;
        if style.color {
            let _ = writeln!(
                out,
                "{DIM}{offset:08x}{RESET}  {:<47}  |{ascii}|",
                hex_cell(chunk)
            );
        } else {
            let _ = writeln!(out, "{offset:08x}  {:<47}  |{ascii}|", hex_cell(chunk));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_shown_once() {
        let bytes: Vec<u8> = (0u8..40).collect();
        let spans = vec![
            Span::new(0, 4, "magic", "x").with_status(Status::Ok),
            Span::new(8, 20, "body", "y"),
        ];
        let text = render_annotated(&bytes, &spans, &DumpStyle::default());
        assert!(text.contains("00000004  04 05 06 07"));
        assert!(text.contains("unaccounted"));
        assert!(text.contains("trailing data"));
        assert!(text.contains("OK  magic: x"));
        assert!(text.contains("00000018  18 19 1a 1b"));
    }

    #[test]
    fn raw_dump_has_ascii_column() {
        let text = render_raw(b"kup1\x00\x01", &DumpStyle::default());
        assert_eq!(
            text,
            format!("00000000  {:<47}  |kup1..|\n", "6b 75 70 31 00 01")
        );
    }
}
