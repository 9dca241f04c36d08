//! Annotated hex dumps shared by the package inspectors (and, later, binary profiles).
//!
//! A dump is a list of [`Span`]s over the file; [`render_annotated`] prints every byte of the
//! file exactly once, labelling the bytes no span covers as "unaccounted" (or "trailing data"
//! past the last span), so nothing can hide between two fields.
/// The style type of [`DumpStyle`], for callers without their own `anstyle`.
pub use anstyle;
use serde::Serialize;
use std::io::Write;

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

/// How a dump marks what it shows. The front end chooses the styles (and whether its
/// terminal gets any: `anstream` strips them for pipes and `NO_COLOR`); the default is
/// plain text, no escape codes at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DumpStyle {
    /// The `OK` marker of a field that checks out.
    pub ok: anstyle::Style,
    /// The `BAD` marker of a field that does not.
    pub bad: anstyle::Style,
    /// Continuation rows of a field, offsets of a raw dump.
    pub dim: anstyle::Style,
}

const ROW: usize = 16;
/// `00000000  ` + 16 × `xx ` (47 wide) + `  |` + 16 + `|\n`.
const RAW_LINE: usize = 8 + 2 + 47 + 3 + ROW + 2;

/// `text` in `style`: the style's codes around it, nothing for a plain style.
struct Styled<'a>(anstyle::Style, &'a str);

impl std::fmt::Display for Styled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == anstyle::Style::new() {
            f.write_str(self.1)
        } else {
            write!(f, "{}{}{:#}", self.0, self.1, self.0)
        }
    }
}

fn marker(status: Status, style: &DumpStyle) -> Styled<'static> {
    match status {
        Status::Ok => Styled(style.ok, "OK "),
        Status::Bad => Styled(style.bad, "BAD"),
        Status::Info => Styled(anstyle::Style::new(), "   "),
    }
}

/// The lower-case hex digit of a nibble.
fn hex_digit(n: u8) -> u8 {
    match n & 0xf {
        d @ 0..=9 => b'0' + d,
        d => b'a' + (d - 10),
    }
}

/// Bytes as `xx xx …`, each pair separated by one space, padded to `width` when given.
fn push_hex(line: &mut Vec<u8>, chunk: &[u8], width: usize) {
    let start = line.len();
    for (i, &b) in chunk.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        line.push(hex_digit(b >> 4));
        line.push(hex_digit(b));
    }
    let used = line.len() - start;
    line.resize(line.len() + width.saturating_sub(used), b' ');
}

fn hex_cell(chunk: &[u8]) -> String {
    let mut line = Vec::with_capacity(ROW * 3);
    push_hex(&mut line, chunk, 0);
    String::from_utf8_lossy(&line).into_owned()
}

fn annotation(span: &Span) -> String {
    if span.detail.is_empty() {
        span.label.clone()
    } else {
        format!("{}: {}", span.label, span.detail)
    }
}

/// Print one span: first row carries the label, further rows only bytes.
fn push_rows(
    out: &mut impl Write,
    bytes: &[u8],
    span: &Span,
    style: &DumpStyle,
) -> std::io::Result<()> {
    let start = span.offset.min(bytes.len());
    let end = span.end().min(bytes.len());
    let data = bytes.get(start..end).unwrap_or_default();
    let mut first = true;
    let mut chunks = data.chunks(ROW).peekable();
    if chunks.peek().is_none() {
        // Zero-length or out-of-file span: still show the annotation.
        return writeln!(
            out,
            "{:08x}  {:<47}  {} {}",
            span.offset,
            "",
            marker(span.status, style),
            annotation(span)
        );
    }
    let mut off = start;
    for chunk in chunks {
        let hex = hex_cell(chunk);
        if first {
            writeln!(
                out,
                "{:08x}  {:<47}  {} {}",
                off,
                hex,
                marker(span.status, style),
                annotation(span)
            )?;
            first = false;
        } else {
            let hex = format!("{hex:<47}");
            writeln!(out, "{off:08x}  {}", Styled(style.dim, &hex))?;
        }
        off = off.saturating_add(chunk.len());
    }
    Ok(())
}

/// Every byte accounted for: bytes not covered by a span are shown as "unaccounted" (or
/// "trailing data") rows. Overlapping spans are printed in offset order (nested fields such as
/// TLV containers overlap their children on purpose).
pub fn write_annotated(
    out: &mut impl Write,
    bytes: &[u8],
    spans: &[Span],
    style: &DumpStyle,
) -> std::io::Result<()> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| (s.offset, std::cmp::Reverse(s.len)));
    let last_end = sorted.iter().map(|s| s.end()).max().unwrap_or(0);
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
            push_rows(out, bytes, &gap, style)?;
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
            push_rows(out, bytes, &header, style)?;
            covered = covered.max(span.offset);
        } else {
            let visible = Span {
                offset: span.offset.max(covered),
                len: span.end().saturating_sub(span.offset.max(covered)),
                ..(*span).clone()
            };
            if visible.len > 0 || span.len == 0 {
                push_rows(out, bytes, &visible, style)?;
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
        push_rows(out, bytes, &tail, style)?;
    }
    Ok(())
}

/// [`write_annotated`] into a string.
pub fn render_annotated(bytes: &[u8], spans: &[Span], style: &DumpStyle) -> String {
    let mut out = Vec::new();
    let _ = write_annotated(&mut out, bytes, spans, style);
    String::from_utf8_lossy(&out).into_owned()
}

/// One row of the raw dump, appended to `line`.
fn push_raw_row(line: &mut Vec<u8>, offset: u64, chunk: &[u8], style: &DumpStyle) {
    // Writing to a Vec cannot fail.
    let _ = if style.dim == anstyle::Style::new() {
        write!(line, "{offset:08x}")
    } else {
        write!(line, "{}", Styled(style.dim, &format!("{offset:08x}")))
    };
    line.extend_from_slice(b"  ");
    push_hex(line, chunk, 47);
    line.extend_from_slice(b"  |");
    line.extend(chunk.iter().map(|&b| {
        if b.is_ascii_graphic() || b == b' ' {
            b
        } else {
            b'.'
        }
    }));
    line.extend_from_slice(b"|\n");
}

/// The classic 16-bytes-a-row hexdump with ASCII column; offsets count from `first`.
pub fn write_raw(
    out: &mut impl Write,
    bytes: &[u8],
    first: u64,
    style: &DumpStyle,
) -> std::io::Result<()> {
    // Rows are built a block at a time: one write per 64 KiB of text, not per row.
    let mut block = Vec::with_capacity(1024 * RAW_LINE);
    let mut offset = first;
    for rows in bytes.chunks(1024 * ROW) {
        block.clear();
        for chunk in rows.chunks(ROW) {
            push_raw_row(&mut block, offset, chunk, style);
            offset = offset.saturating_add(ROW as u64);
        }
        out.write_all(&block)?;
    }
    Ok(())
}

/// A raw dump that failed: reading the input, or writing the dump.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("{0}")]
    Read(#[source] std::io::Error),
    #[error("{0}")]
    Write(#[source] std::io::Error),
}

/// [`write_raw`] of everything `input` yields, read a block at a time: the input is never
/// held whole, so a dump costs the same memory whatever the file's size. Bound `input`
/// ([`crate::io::Bounded`]) if it is untrusted.
pub fn write_raw_from(
    out: &mut impl Write,
    input: &mut impl std::io::Read,
    style: &DumpStyle,
) -> Result<(), StreamError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = 0u64;
    loop {
        // Fill the block (short reads come from pipes): rows split only at its end.
        let mut filled = 0;
        while filled < buf.len() {
            let room = buf.get_mut(filled..).unwrap_or_default();
            match input.read(room) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(StreamError::Read(e)),
            }
        }
        let block = buf.get(..filled).unwrap_or_default();
        write_raw(out, block, offset, style).map_err(StreamError::Write)?;
        offset = offset.saturating_add(filled as u64);
        if filled < buf.len() {
            return Ok(());
        }
    }
}

/// [`write_raw`] into a string.
pub fn render_raw(bytes: &[u8], style: &DumpStyle) -> String {
    let mut out = Vec::new();
    let _ = write_raw(&mut out, bytes, 0, style);
    String::from_utf8_lossy(&out).into_owned()
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
