//! 7940/7960 `.loads` manifest: SGN header + three text lines — the signed loader (`.sbn`), the
//! signed application (`.sb2`) and `LA_VERSION=<tag>`. LF in every sample; CRLF accepted (older
//! loads are guessed to use it).
use super::error::{PkgError, Result};
use super::sgn::{self, SignedFile};
use crate::report::{Span, Status};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// File offset of the line's first byte.
    pub offset: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadsFile<'a> {
    pub signed: SignedFile<'a>,
    pub loader: Line,
    pub application: Line,
    pub la_version: Line,
    pub crlf: bool,
    pub extra_lines: Vec<Line>,
}

/// Split the body into lines with their file offsets (`\r` before `\n` removed).
fn lines(body: &[u8], base: usize) -> Result<(Vec<Line>, bool)> {
    let mut out = Vec::new();
    let mut crlf = false;
    let mut start = 0usize;
    let mut rest = body;
    while !rest.is_empty() {
        let (line, consumed) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (rest.get(..n).unwrap_or_default(), n + 1),
            None => (rest, rest.len()),
        };
        let line = match line.strip_suffix(b"\r") {
            Some(l) => {
                crlf = true;
                l
            }
            None => line,
        };
        if let Some(bad) = line
            .iter()
            .position(|b| !(b.is_ascii_graphic() || *b == b' ' || *b == b'\t'))
        {
            return Err(PkgError::invalid(
                base + start + bad,
                "non-text byte in .loads body",
            ));
        }
        out.push(Line {
            offset: base + start,
            text: String::from_utf8_lossy(line).into_owned(),
        });
        start += consumed;
        rest = rest.get(consumed..).unwrap_or_default();
    }
    Ok((out, crlf))
}

/// Is this payload a `.loads` body (two file names then `LA_VERSION=`)?
pub fn looks_like_body(payload: &[u8]) -> bool {
    payload.len() < 4096
        && lines(payload, 0).is_ok_and(|(l, _)| l.iter().any(|x| x.text.starts_with("LA_VERSION=")))
}

pub fn parse(bytes: &[u8]) -> Result<LoadsFile<'_>> {
    let signed = sgn::parse(bytes)?;
    from_signed(signed)
}

pub fn from_signed(signed: SignedFile<'_>) -> Result<LoadsFile<'_>> {
    let base = signed.payload_offset();
    let (mut all, crlf) = lines(signed.payload(), base)?;
    // Tolerate blank lines at the end only.
    while all.last().is_some_and(|l| l.text.trim().is_empty()) {
        all.pop();
    }
    let mut it = all.into_iter();
    let missing = |what: &str| {
        PkgError::invalid(
            base + signed.payload().len(),
            format!(".loads body ends before the {what} line"),
        )
    };
    let loader = it.next().ok_or_else(|| missing("loader"))?;
    let application = it.next().ok_or_else(|| missing("application"))?;
    let la_version = it.next().ok_or_else(|| missing("LA_VERSION"))?;
    if !la_version.text.starts_with("LA_VERSION=") {
        return Err(PkgError::invalid(
            la_version.offset,
            format!("expected LA_VERSION=…, found {:?}", la_version.text),
        ));
    }
    Ok(LoadsFile {
        loader,
        application,
        la_version,
        crlf,
        extra_lines: it.collect(),
        signed,
    })
}

impl LoadsFile<'_> {
    pub fn loader_name(&self) -> &str {
        self.loader.text.trim()
    }
    pub fn application_name(&self) -> &str {
        self.application.text.trim()
    }
    pub fn la_version_value(&self) -> &str {
        self.la_version
            .text
            .trim()
            .strip_prefix("LA_VERSION=")
            .unwrap_or("")
    }
    /// Sanity warnings about the body itself.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.loader_name().ends_with(".sbn") {
            w.push(format!(
                "loader {:?} does not end in .sbn",
                self.loader_name()
            ));
        }
        if !self.application_name().ends_with(".sb2") {
            w.push(format!(
                "application {:?} does not end in .sb2",
                self.application_name()
            ));
        }
        if self.la_version_value().len() != 8 {
            w.push(format!(
                "LA_VERSION {:?} is not 8 characters",
                self.la_version_value()
            ));
        }
        if self.crlf {
            w.push(
                "CRLF line ends (Cisco's 8.x samples use LF; CRLF in older loads is a guess)"
                    .into(),
            );
        }
        for l in &self.extra_lines {
            w.push(format!("offset {:#x}: extra line {:?}", l.offset, l.text));
        }
        w
    }
    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.signed.spans();
        let body = [
            ("loader", &self.loader),
            ("application", &self.application),
            ("LA_VERSION", &self.la_version),
        ];
        let end = self.signed.bytes.len();
        let mut all: Vec<(&str, &Line)> = body.to_vec();
        all.extend(self.extra_lines.iter().map(|l| ("extra line", l)));
        for (i, (label, line)) in all.iter().enumerate() {
            let next = all.get(i + 1).map(|(_, l)| l.offset).unwrap_or(end);
            v.push(
                Span::new(
                    line.offset,
                    next - line.offset,
                    *label,
                    format!("{:?}", line.text),
                )
                .with_status(Status::Info),
            );
        }
        v
    }
}
