//! The rules a run of ours is held to against a run of the original.
//!
//! - same exit status, same set of files written, same bytes (strong `.x`/`.xex` files carry
//!   a random mask: they are equal when they decrypt to the same bytes);
//! - every line the original printed on a stream appears in ours on that stream, in order
//!   (our own extra lines may come between);
//! - where we differ on purpose, our messages say so with the phrase
//!   `(cfgfmt 2.3 would …)`; such a case is counted under that phrase, not as a difference.

use cfgfmt::crypto;

use super::case::{Case, Outcome};

/// The phrase that marks a deliberate difference in our messages.
pub const MARKER: &str = "(cfgfmt 2.3 would ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// A documented difference: the marker phrase we printed, and what differed.
    Deliberate(String, Vec<String>),
    Differ(Vec<String>),
}

/// The first marker phrase in our output, up to its closing parenthesis.
pub fn marker(ours: &Outcome) -> Option<String> {
    for stream in [ours.stderr(), ours.stdout()] {
        let text = String::from_utf8_lossy(&stream).into_owned();
        if let Some(at) = text.find(MARKER) {
            let rest = &text[at + MARKER.len()..];
            // Up to the parenthesis that closes the marker's own.
            let mut depth = 0usize;
            let end = rest
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        depth += 1;
                        false
                    }
                    ')' if depth == 0 => true,
                    ')' => {
                        depth -= 1;
                        false
                    }
                    '\n' => true,
                    _ => false,
                })
                .map_or(rest.len(), |(i, _)| i);
            return Some(rest[..end].trim().to_string());
        }
    }
    None
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// The original's `-v` printed the key (`i: Encrypt(out, 0011)...`); we print `<secret>` in
/// its place, on purpose. The file name still has to match. (A key holding `, ` would be
/// cut at it: such keys are masked from there on as well.)
fn masked(line: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(line);
    if let Some(rest) = text.strip_prefix("i: Encrypt(")
        && let (Some(comma), true) = (rest.find(", "), rest.ends_with(")..."))
    {
        let key = &rest[comma + 2..rest.len() - 4];
        let shown = if key.is_empty() { "" } else { "<secret>" };
        return format!("i: Encrypt({}, {shown})...", &rest[..comma]).into_bytes();
    }
    line.to_vec()
}

/// Whether `needles` appear in `hay` in order.
fn subsequence(needles: &[&[u8]], hay: &[&[u8]]) -> Result<(), String> {
    let mut it = hay.iter();
    for needle in needles {
        if !it.any(|h| h == needle) {
            return Err(String::from_utf8_lossy(needle).into_owned());
        }
    }
    Ok(())
}

/// Keys a strong file may have been written with: the `-x` switch, a profile's
/// `EncryptKeyEx`.
fn strong_keys(case: &Case) -> Vec<[u8; 32]> {
    let mut keys = Vec::new();
    for arg in &case.args {
        if let Some(k) = arg.strip_prefix("-x") {
            keys.push(crypto::strong_key_bytes(k.as_bytes()));
        }
    }
    for (_, blob) in &case.files {
        for line in blob.bytes().split(|&b| b == b'\n') {
            if line.len() > 12 && line[..12].eq_ignore_ascii_case(b"encryptkeyex") {
                let value: Vec<u8> = line[12..]
                    .iter()
                    .skip_while(|&&b| b == b':' || b == b' ')
                    .take_while(|&&b| b != b'/' && b != b'\r')
                    .copied()
                    .collect();
                keys.push(crypto::strong_key_bytes(&value));
            }
        }
    }
    keys
}

fn strong_equal(case: &Case, a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && strong_keys(case).iter().any(|key| {
            match (
                crypto::strong_decrypt(a, key),
                crypto::strong_decrypt(b, key),
            ) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        })
}

/// Holds `ours` to `oracle`'s run of the same case.
pub fn compare(case: &Case, oracle: &Outcome, ours: &Outcome) -> Verdict {
    let mut why = Vec::new();
    if let Some(sig) = oracle.signal {
        why.push(format!("cfgfmt 2.3 died of signal {sig}"));
    }
    if ours.signal.is_some() {
        // Never excused: we must not crash.
        return Verdict::Differ(vec![format!("we died of signal {:?}", ours.signal)]);
    }
    if oracle.signal.is_none() && oracle.status != ours.status {
        why.push(format!(
            "exit status {:?}, cfgfmt 2.3 {:?}",
            ours.status, oracle.status
        ));
    }
    let names_o: Vec<&String> = oracle.files.keys().collect();
    let names_r: Vec<&String> = ours.files.keys().collect();
    if names_o != names_r {
        why.push(format!("files {names_r:?}, cfgfmt 2.3 {names_o:?}"));
    }
    for (name, blob) in &oracle.files {
        let Some(mine) = ours.files.get(name) else {
            continue;
        };
        let (a, b) = (blob.bytes(), mine.bytes());
        if a == b {
            continue;
        }
        let strong = name.ends_with(".x") || name.ends_with(".xex");
        if strong && strong_equal(case, &a, &b) {
            continue;
        }
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        why.push(format!(
            "{name}: bytes differ at {at} (ours {} bytes, cfgfmt 2.3 {})",
            b.len(),
            a.len()
        ));
    }
    for (label, o, r) in [
        ("stdout", oracle.stdout(), ours.stdout()),
        ("stderr", oracle.stderr(), ours.stderr()),
    ] {
        let o: Vec<Vec<u8>> = lines(&o).into_iter().map(masked).collect();
        let o: Vec<&[u8]> = o.iter().map(Vec::as_slice).collect();
        if let Err(missing) = subsequence(&o, &lines(&r)) {
            why.push(format!("{label}: missing or out of order: {missing:?}"));
        }
    }
    if why.is_empty() {
        return Verdict::Same;
    }
    match marker(ours) {
        Some(m) => Verdict::Deliberate(m, why),
        None => Verdict::Differ(why),
    }
}

/// A report of one differing case, for a person to read.
pub fn describe(case: &Case, oracle: &Outcome, ours: &Outcome, why: &[String]) -> String {
    let mut s = format!(
        "case {} [{}]: cfgfmt {}\n",
        case.id,
        case.group,
        case.args.join(" ")
    );
    for w in why {
        s.push_str(&format!("  - {w}\n"));
    }
    for (name, blob) in &case.files {
        let bytes = blob.bytes();
        let shown = if bytes.len() > 600 {
            &bytes[..600]
        } else {
            &bytes[..]
        };
        s.push_str(&format!(
            "  input {name}: {:?}\n",
            String::from_utf8_lossy(shown)
        ));
    }
    for (who, out) in [("cfgfmt 2.3", oracle), ("ours", ours)] {
        s.push_str(&format!(
            "  {who}: status {:?} signal {:?}\n    stdout {:?}\n    stderr {:?}\n",
            out.status,
            out.signal,
            String::from_utf8_lossy(&out.stdout()),
            String::from_utf8_lossy(&out.stderr())
        ));
        for (name, blob) in &out.files {
            let b = blob.bytes();
            let shown = if b.len() > 200 { &b[..200] } else { &b[..] };
            s.push_str(&format!(
                "    file {name} ({} bytes): {}\n",
                b.len(),
                hex::encode(shown)
            ));
        }
    }
    s
}
