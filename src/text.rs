//! The `#txt` text profile: lines of `Name:Value`, comments and `include`s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{DiagKind, Diagnostic, Error, Location, Result};

/// The four bytes that make an input a text profile.
pub const TEXT_MAGIC: &[u8; 4] = b"#txt";
/// Longest line, its `\n` included: the original read lines with `fgets` into 1023
/// bytes, so longer ones came in pieces that counted as further lines.
pub const MAX_LINE: usize = 1022;
/// Names this long overran the original's 256-byte name buffer into its line counter.
pub const MAX_NAME: usize = 255;
/// Files nested below the top profile; an `include` in a file this deep is refused.
pub const MAX_INCLUDE_DEPTH: usize = 3;
/// Largest profile file, and the most all its included files may add up to.
pub const MAX_PROFILE_BYTES: usize = 1 << 20;
pub const MAX_INCLUDED_BYTES: usize = 4 << 20;

/// One `Name Value` line, after includes were expanded in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub location: Location,
}

impl Assignment {
    pub fn name_lossy(&self) -> String {
        self.name.iter().map(|&b| char::from(b)).collect()
    }
}

/// A profile in reading order: assignments, and diagnostics where they arose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Assign(Assignment),
    Diag(Diagnostic),
}

/// Opens the files that `include` lines name.
pub trait IncludeLoader {
    /// `path` as written in the profile (raw bytes); `including` is the file that names
    /// it. `None` when there is no such file.
    fn load(&mut self, path: &[u8], including: &Path) -> Result<Option<Included>>;
}

/// A file an `include` line brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Included {
    /// The name to show in messages (the path as written).
    pub shown: String,
    /// Where it was found: its own includes resolve against this file's folder.
    pub resolved: PathBuf,
    pub bytes: Vec<u8>,
}

/// A path from the bytes a profile or command line holds: on Unix exactly those bytes.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Reads includes from the file system: relative paths against the working directory
/// first (as the original did), then against the including file's folder.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

impl IncludeLoader for FsLoader {
    fn load(&mut self, path: &[u8], including: &Path) -> Result<Option<Included>> {
        let written = path_from_bytes(path);
        let mut candidates = vec![written.clone()];
        if let Some(dir) = including.parent().filter(|_| written.is_relative()) {
            candidates.push(dir.join(&written));
        }
        for candidate in candidates {
            if candidate.is_file() {
                let bytes = read_bounded(&candidate, crate::io::Limit::TEXT_PROFILE)?;
                return Ok(Some(Included {
                    shown: String::from_utf8_lossy(path).into_owned(),
                    resolved: candidate,
                    bytes,
                }));
            }
        }
        Ok(None)
    }
}

/// No includes at all (fuzzing, in-memory use): every include is missing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoIncludes;

impl IncludeLoader for NoIncludes {
    fn load(&mut self, _path: &[u8], _including: &Path) -> Result<Option<Included>> {
        Ok(None)
    }
}

/// Reads a whole file through the one bounded reader ([`crate::io::read_bounded`]).
pub fn read_bounded(path: &Path, limit: crate::io::Limit) -> Result<Vec<u8>> {
    crate::io::read_bounded(path, limit).map_err(|e| match e {
        crate::io::ReadError::Io { source, .. } => Error::Read {
            path: path.to_path_buf(),
            source,
        },
        crate::io::ReadError::TooLarge(t) => Error::InputTooLarge(t),
    })
}

/// The field separator of a CSV file (batch's devices, provision's inventory): its header
/// row's. A header without a comma but with semicolons (Excel's CSV in many locales) or
/// tabs is read with those.
pub fn csv_separator(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    if header.contains(&b',') {
        b','
    } else if header.contains(&b';') {
        b';'
    } else if header.contains(&b'\t') {
        b'\t'
    } else {
        b','
    }
}

/// Splits one line into name and value as the original did: skip `:`, space and CR, take
/// the name up to the next of those, skip one run of them; the value is the rest up to a
/// CR. A TAB separates nothing: it belongs to the name or the value. `has_cr`: whether
/// the file holds a CR at all (when not, values are not searched for one).
fn split_line(line: &[u8], has_cr: bool) -> Option<(&[u8], &[u8])> {
    let is_delim = |b: &u8| matches!(b, b':' | b' ' | b'\r');
    let start = line.iter().position(|b| !is_delim(b))?;
    let rest = line.get(start..)?;
    let name_len = rest.iter().position(is_delim).unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    let value_start = after
        .iter()
        .position(|b| !is_delim(b))
        .unwrap_or(after.len());
    let value = after.get(value_start..).unwrap_or_default();
    let cr = if has_cr {
        value.iter().position(|&b| b == b'\r')
    } else {
        None
    };
    let value = match cr {
        Some(end) => value.get(..end).unwrap_or_default(),
        None => value,
    };
    Some((name, value))
}

/// Receives a profile's lines as they are read, borrowed from the file's bytes: the
/// compiler consumes them without copying (see [`read_profile_into`]).
pub trait ItemSink {
    /// One `Name Value` line; `at` holds until the next call only.
    fn assign(&mut self, name: &[u8], value: &[u8], at: &Location) -> Result<()>;
    /// A diagnostic the reading itself raised (an include nested too deep), in its place
    /// among the lines.
    fn diag(&mut self, diag: Diagnostic) -> Result<()>;
}

/// Owned items, for callers that keep a profile (a batch template).
impl ItemSink for Vec<Item> {
    fn assign(&mut self, name: &[u8], value: &[u8], at: &Location) -> Result<()> {
        self.push(Item::Assign(Assignment {
            name: name.to_vec(),
            value: value.to_vec(),
            location: at.clone(),
        }));
        Ok(())
    }
    fn diag(&mut self, diag: Diagnostic) -> Result<()> {
        self.push(Item::Diag(diag));
        Ok(())
    }
}

/// Where `byte` first is in `bytes`, eight bytes at a time: a word holds the byte where
/// the word XOR eight copies of the byte has a zero byte. (Not `memchr`: its one-time
/// CPU probe costs a process, which compiles one profile, more than this search saves.)
pub(crate) fn find_byte(byte: u8, bytes: &[u8]) -> Option<usize> {
    let pattern = ONES * u64::from(byte);
    let mut at = 0;
    while let Some(word) = bytes
        .get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let found = zero_bytes(u64::from_le_bytes(word) ^ pattern);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = bytes.get(at..)?.iter().position(|&b| b == byte)?;
    Some(at + tail)
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// Sets the top bit of every zero byte of `x` (borrows may also set it in bytes above the
/// first zero byte, never below): the lowest set bit marks the first zero byte.
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & 0x8080_8080_8080_8080
}

/// Whether `bytes` hold a NUL, and whether a CR, in one pass.
fn has_nul_cr(bytes: &[u8]) -> (bool, bool) {
    let cr = ONES * u64::from(b'\r');
    let (mut nul, mut any_cr) = (0, 0);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        nul |= zero_bytes(w);
        any_cr |= zero_bytes(w ^ cr);
    }
    let rest = words.remainder();
    (
        nul != 0 || rest.contains(&0),
        any_cr != 0 || rest.contains(&b'\r'),
    )
}

struct Reader<'l, L: IncludeLoader, S: ItemSink> {
    loader: &'l mut L,
    included_bytes: usize,
    sink: &'l mut S,
}

impl<L: IncludeLoader, S: ItemSink> Reader<'_, L, S> {
    fn read(
        &mut self,
        bytes: &[u8],
        file: Option<Arc<str>>,
        path: &Path,
        depth: usize,
    ) -> Result<()> {
        // One location per file, its line number moved along: no per-line copies.
        let mut location = Location { file, line: 0 };
        // Reading a profile is most of a compile: the file is searched a word at a time for
        // line ends, and once for the rare NUL and CR, so that lines without them are not
        // searched again.
        let (has_nul, has_cr) = has_nul_cr(bytes);
        let mut start = 0;
        while start <= bytes.len() {
            location.line += 1;
            let end = bytes
                .get(start..)
                .and_then(|rest| find_byte(b'\n', rest))
                .map(|at| start + at);
            let raw = bytes
                .get(start..end.unwrap_or(bytes.len()))
                .unwrap_or_default();
            start = end.map_or(usize::MAX, |e| e + 1);
            let terminated = end.is_some();
            if raw.len() + usize::from(terminated) > MAX_LINE {
                return Err(Error::LineTooLong {
                    file: location.file.as_deref().map(str::to_string),
                    line: location.line,
                });
            }
            // C strings end at NUL: the original never saw what followed one.
            let nul = if has_nul { find_byte(0, raw) } else { None };
            let line = match nul {
                Some(end) => raw.get(..end).unwrap_or_default(),
                None => raw,
            };
            if line.first() == Some(&b'#') {
                continue;
            }
            let Some((name, value)) = split_line(line, has_cr) else {
                continue;
            };
            if name.len() > MAX_NAME {
                return Err(Error::NameTooLong {
                    file: location.file.as_deref().map(str::to_string),
                    line: location.line,
                    len: name.len(),
                });
            }
            if name.eq_ignore_ascii_case(b"include") {
                self.include(value, &location, path, depth)?;
                continue;
            }
            self.sink.assign(name, value, &location)?;
        }
        Ok(())
    }

    fn include(&mut self, value: &[u8], at: &Location, path: &Path, depth: usize) -> Result<()> {
        if depth >= MAX_INCLUDE_DEPTH {
            return self
                .sink
                .diag(Diagnostic::new(DiagKind::IncludeTooDeep, Some(at.clone())));
        }
        // The whole value is the path, trailing blanks included, as the original opened it.
        let target = value;
        let missing = || Error::IncludeMissing {
            file: at.file.as_deref().map(str::to_string),
            line: at.line,
            path: String::from_utf8_lossy(target).into_owned(),
        };
        if target.is_empty() {
            return Err(missing());
        }
        let Some(included) = self.loader.load(target, path)? else {
            return Err(missing());
        };
        self.included_bytes += included.bytes.len();
        if self.included_bytes > MAX_INCLUDED_BYTES {
            return Err(Error::IncludesTooLarge {
                limit: MAX_INCLUDED_BYTES,
            });
        }
        let shown: Arc<str> = included.shown.into();
        self.read(&included.bytes, Some(shown), &included.resolved, depth + 1)
    }
}

/// Reads a text profile (whose `#txt` magic the caller has checked) and every file it
/// includes, handing each line to `sink` in reading order. `path` is where the profile
/// lives, for relative includes.
pub fn read_profile_into<L: IncludeLoader, S: ItemSink>(
    bytes: &[u8],
    path: &Path,
    loader: &mut L,
    sink: &mut S,
) -> Result<()> {
    let mut reader = Reader {
        loader,
        included_bytes: 0,
        sink,
    };
    // Messages name the top file as it was given, included ones as their line wrote them.
    let top: Arc<str> = path.to_string_lossy().into();
    reader.read(bytes, Some(top), path, 0)
}

/// Reads a text profile and its includes into owned items, in reading order.
pub fn read_profile<L: IncludeLoader>(
    bytes: &[u8],
    path: &Path,
    loader: &mut L,
) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    read_profile_into(bytes, path, loader, &mut items)?;
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MemLoader(HashMap<String, Vec<u8>>);

    impl IncludeLoader for MemLoader {
        fn load(&mut self, path: &[u8], _: &Path) -> Result<Option<Included>> {
            let name = String::from_utf8_lossy(path).into_owned();
            Ok(self.0.get(&name).map(|b| Included {
                shown: name.clone(),
                resolved: PathBuf::from(&name),
                bytes: b.clone(),
            }))
        }
    }

    fn read(text: &str, files: &[(&str, &str)]) -> Result<Vec<Item>> {
        let mut loader = MemLoader::default();
        for (n, t) in files {
            loader.0.insert(n.to_string(), t.as_bytes().to_vec());
        }
        read_profile(text.as_bytes(), Path::new("top.txt"), &mut loader)
    }

    fn pairs(items: &[Item]) -> Vec<(String, String)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Assign(a) => Some((a.name_lossy(), String::from_utf8_lossy(&a.value).into())),
                Item::Diag(_) => None,
            })
            .collect()
    }

    #[test]
    fn nul_and_cr_are_found_anywhere() {
        let mut text = b"#txt\nName:Value and more text over several words\n".to_vec();
        assert_eq!(has_nul_cr(&text), (false, false));
        for at in 0..text.len() {
            for (byte, want) in [(0u8, (true, false)), (b'\r', (false, true))] {
                let mut t = text.clone();
                t[at] = byte;
                assert_eq!(has_nul_cr(&t), want, "{byte:#x} at {at}");
            }
        }
        text.truncate(3);
        assert_eq!(has_nul_cr(&text), (false, false));
    }

    /// The word-at-a-time search finds what a plain search finds, at every offset.
    #[test]
    fn find_byte_is_position() {
        let text: Vec<u8> = b"#txt\nA:1\r\n\0\n\xff\x80:\n\n0123456789abcdefg\n\x01\x0b\n".to_vec();
        for start in 0..text.len() {
            for end in start..=text.len() {
                let part = &text[start..end];
                for byte in [b'\n', 0, b'\r', 0xff, 0x80, 0x01, 0x0a, b'g'] {
                    assert_eq!(
                        find_byte(byte, part),
                        part.iter().position(|&b| b == byte),
                        "{byte:#x} in {part:?}"
                    );
                }
            }
        }
    }

    /// Recorded from cfgfmt 2.3: `:`, space and CR separate, a TAB does not.
    #[test]
    fn line_grammar() {
        assert_eq!(
            split_line(b"UseTftp:1", true),
            Some((&b"UseTftp"[..], &b"1"[..]))
        );
        assert_eq!(
            split_line(b"  :DialTone 1,2 3 ", true),
            Some((&b"DialTone"[..], &b"1,2 3 "[..]))
        );
        assert_eq!(
            split_line(b"TftpURL:http://h/x", true),
            Some((&b"TftpURL"[..], &b"http://h/x"[..]))
        );
        assert_eq!(
            split_line(b"STR::: :abc:def\r", true),
            Some((&b"STR"[..], &b"abc:def"[..]))
        );
        assert_eq!(
            split_line(b"Name: \t:value:x\r", true),
            Some((&b"Name"[..], &b"\t:value:x"[..]))
        );
        assert_eq!(
            split_line(b"\tStr:abc", true),
            Some((&b"\tStr"[..], &b"abc"[..]))
        );
        assert_eq!(split_line(b"\t", true), Some((&b"\t"[..], &b""[..])));
        assert_eq!(split_line(b"Str:\r", true), Some((&b"Str"[..], &b""[..])));
        assert_eq!(split_line(b"Name", true), Some((&b"Name"[..], &b""[..])));
        assert_eq!(split_line(b" : \r", true), None);
        assert_eq!(split_line(b" #x:1", true), Some((&b"#x"[..], &b"1"[..])));
    }

    #[test]
    fn comments_blank_lines_crlf() {
        let items = read("#txt\r\n# c\r\n\r\nA:1\r\n  \nB 2\n", &[]).unwrap();
        assert_eq!(
            pairs(&items),
            [("A".into(), "1".into()), ("B".into(), "2".into())]
        );
        let Item::Assign(b) = &items[1] else { panic!() };
        assert_eq!(b.location.line, 6);
    }

    #[test]
    fn include_in_place_with_depth_limit() {
        let items = read(
            "#txt\nA:1\ninclude b1\nC:3\n",
            &[
                ("b1", "INCLUDE:b2\nB:2\n"),
                ("b2", "include b3\n"),
                ("b3", "include b4\nD:4\n"),
                ("b4", "E:5\n"),
            ],
        )
        .unwrap();
        assert_eq!(
            pairs(&items),
            [
                ("A".into(), "1".into()),
                ("D".into(), "4".into()),
                ("B".into(), "2".into()),
                ("C".into(), "3".into())
            ]
        );
        let diag = items.iter().find_map(|i| match i {
            Item::Diag(d) => Some(d.clone()),
            Item::Assign(_) => None,
        });
        let diag = diag.unwrap();
        assert_eq!(diag.kind, DiagKind::IncludeTooDeep);
        assert_eq!(
            diag.location,
            Some(Location {
                file: Some("b3".into()),
                line: 1
            })
        );
    }

    #[test]
    fn missing_include_is_fatal() {
        let err = read("#txt\ninclude nope.txt\n", &[]).unwrap_err();
        // The original's words, then ours.
        assert_eq!(
            format!("{}{err}", err.lead()),
            "error: can't open profile 'nope.txt'"
        );
        assert!(err.note().unwrap().text.contains("line 2 of top.txt"));
    }

    #[test]
    fn self_include_stops_at_depth() {
        let items = read("#txt\ninclude me\n", &[("me", "include me\nX:1\n")]).unwrap();
        assert_eq!(pairs(&items).len(), 3);
    }

    #[test]
    fn long_lines_are_refused() {
        // Recorded: a line of 1021 characters and its `\n` is one line; one of 1022
        // made cfgfmt 2.3 count an extra line.
        let ok = format!("#txt\n#{}\n", "x".repeat(1020));
        assert!(read(&ok, &[]).is_ok());
        let unterminated = format!("#txt\n#{}", "x".repeat(1021));
        assert!(read(&unterminated, &[]).is_ok());
        let long = format!("#txt\n#{}\n", "x".repeat(1021));
        let err = read(&long, &[]).unwrap_err();
        assert!(
            format!("{}{err}", err.lead())
                .starts_with("error: line 2 of top.txt is longer than 1022 bytes")
        );
        assert!(err.to_string().contains("(cfgfmt 2.3 would "));
    }

    #[test]
    fn nul_ends_the_line() {
        let items = read("#txt\nA:1\0junk\n", &[]).unwrap();
        assert_eq!(pairs(&items), [("A".into(), "1".into())]);
    }
}
