//! C library number parsing (`strtol`/`strtoul` with base 0, `atof`) as the original tool,
//! a 32-bit i386 program, saw numbers. Every quirk it had is reported back as a flag so the
//! caller can warn about it while keeping the original's bytes.

/// What `strtol`/`strtoul` with base 0 made of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CInt {
    /// The value as the 32-bit C library returned it (already clamped or wrapped).
    pub value: u32,
    /// Bytes consumed, leading white space included; 0 when no digit was found.
    pub consumed: usize,
    /// A leading `0` made the number octal (`010` is 8).
    pub octal: bool,
    /// The magnitude did not fit and the C library clamped it.
    pub clamped: bool,
}

impl CInt {
    /// Whether characters followed the number (C silently ignored them).
    pub fn has_trailing(&self, text: &[u8]) -> bool {
        self.consumed < text.len()
    }
}

/// Which of the two C functions to mimic: they differ only in overflow handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signedness {
    /// `strtol`: out-of-range values clamp to `i32::MIN`/`i32::MAX`.
    Signed,
    /// `strtoul`: out-of-range values clamp to `u32::MAX`; a `-` negates modulo 2^32.
    Unsigned,
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parses like C `strtol(text, &end, 0)` / `strtoul(text, &end, 0)` on a 32-bit `long`.
/// Returns `None` when no digit at all was found (C would return 0 with `end == text`).
pub fn parse_c_int(text: &[u8], sign: Signedness) -> Option<CInt> {
    // Most values are plain decimal numbers of a few digits: read those at once. Nine
    // digits cannot overflow 2^31 - 1, and no leading 0 means not octal. A table's last
    // field ends with the line's end, where the reading stops.
    let text_with_end = text;
    let text = text
        .strip_suffix(b"\r\n")
        .or_else(|| text.strip_suffix(b"\n"))
        .unwrap_or(text);
    // So are table numbers, in hex: seven digits cannot reach 2^31.
    let (digits, radix) = match text {
        [b'1'..=b'9', ..] if text.len() <= 9 => (text, 10),
        [b'0', b'x' | b'X', rest @ ..] if (1..=7).contains(&rest.len()) => (rest, 16),
        _ => return parse_c_int_any(text_with_end, sign),
    };
    let digit = |d: &u8| char::from(*d).to_digit(radix);
    if digits.iter().all(|d| digit(d).is_some()) {
        let value = digits
            .iter()
            .fold(0u32, |v, d| v * radix + digit(d).unwrap_or(0));
        return Some(CInt {
            value,
            consumed: text.len(),
            octal: false,
            clamped: false,
        });
    }
    parse_c_int_any(text_with_end, sign)
}

/// [`parse_c_int`] for every text (white space, sign, base prefix, overflow).
fn parse_c_int_any(text: &[u8], sign: Signedness) -> Option<CInt> {
    let mut i = 0;
    while text.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let mut negative = false;
    match text.get(i) {
        Some(b'-') => {
            negative = true;
            i += 1;
        }
        Some(b'+') => i += 1,
        _ => {}
    }
    let mut base = 10u32;
    let mut octal = false;
    if text.get(i) == Some(&b'0') {
        let x = text.get(i + 1).copied();
        if matches!(x, Some(b'x' | b'X')) && text.get(i + 2).is_some_and(|b| b.is_ascii_hexdigit())
        {
            base = 16;
            i += 2;
        } else {
            base = 8;
            // A lone "0" is just zero; only further digits make the octal reading visible.
            octal = text.get(i + 1).is_some_and(|b| b.is_ascii_digit());
        }
    }
    let start = i;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while let Some(&b) = text.get(i) {
        let Some(d) = (b as char).to_digit(base) else {
            break;
        };
        magnitude = magnitude * u64::from(base) + u64::from(d);
        if magnitude > u64::from(u32::MAX) + 1 {
            overflow = true;
            magnitude = u64::from(u32::MAX) + 1;
        }
        i += 1;
    }
    if i == start {
        return None;
    }
    let (value, clamped) = match sign {
        Signedness::Signed => {
            let limit = if negative {
                1u64 << 31
            } else {
                (1u64 << 31) - 1
            };
            if overflow || magnitude > limit {
                (
                    if negative {
                        i32::MIN as u32
                    } else {
                        i32::MAX as u32
                    },
                    true,
                )
            } else if negative {
                ((magnitude as u32).wrapping_neg(), false)
            } else {
                (magnitude as u32, false)
            }
        }
        Signedness::Unsigned => {
            if overflow || magnitude > u64::from(u32::MAX) {
                (u32::MAX, true)
            } else if negative {
                ((magnitude as u32).wrapping_neg(), false)
            } else {
                (magnitude as u32, false)
            }
        }
    };
    Some(CInt {
        value,
        consumed: i,
        octal,
        clamped,
    })
}

/// C `atof`: the longest prefix that reads as a decimal floating-point number, 0.0 when
/// there is none. `nan`/`inf` are accepted as glibc does.
pub fn atof(text: &[u8]) -> f64 {
    let mut i = 0;
    while text.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let rest = text.get(i..).unwrap_or_default();
    let lower: Vec<u8> = rest
        .iter()
        .take(9)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let (sign, body) = match lower.first() {
        Some(b'-') => (-1.0, lower.get(1..).unwrap_or_default()),
        Some(b'+') => (1.0, lower.get(1..).unwrap_or_default()),
        _ => (1.0, &lower[..]),
    };
    if body.starts_with(b"nan") {
        return f64::NAN;
    }
    if body.starts_with(b"inf") {
        return sign * f64::INFINITY;
    }
    // Longest prefix of the form [+-]digits[.digits][e[+-]digits].
    let mut end = 0;
    let bytes = rest;
    let mut j = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        j = 1;
    }
    let mut digits = 0;
    while bytes.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
        digits += 1;
    }
    if bytes.get(j) == Some(&b'.') {
        j += 1;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
            digits += 1;
        }
    }
    if digits > 0 {
        end = j;
        if matches!(bytes.get(j), Some(b'e' | b'E')) {
            let mut k = j + 1;
            if matches!(bytes.get(k), Some(b'+' | b'-')) {
                k += 1;
            }
            let exp_start = k;
            while bytes.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            if k > exp_start {
                end = k;
            }
        }
    }
    std::str::from_utf8(bytes.get(..end).unwrap_or_default())
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Option<CInt> {
        parse_c_int(t.as_bytes(), Signedness::Signed)
    }
    fn u(t: &str) -> Option<CInt> {
        parse_c_int(t.as_bytes(), Signedness::Unsigned)
    }

    /// The decimal shortcut agrees with the general reading wherever it applies.
    #[test]
    fn decimal_shortcut_matches_the_general_reader() {
        let mut texts: Vec<String> = (0..20_000u32).map(|n| n.to_string()).collect();
        for n in [
            99_999_999u32,
            123_456_789,
            999_999_999,
            1_000_000_000,
            2_147_483_647,
        ] {
            texts.push(n.to_string());
            texts.push(format!("{n}0"));
        }
        for n in (0..70_000u32)
            .step_by(7)
            .chain([0x0fff_ffff, 0x1000_0000, 0x7fff_ffff, u32::MAX])
        {
            texts.push(format!("{n:#x}"));
            texts.push(format!("0X{n:08X}"));
            texts.push(format!("0x{n:x}g"));
            texts.push(format!("{n}\n"));
            texts.push(format!("{n:#x}\r\n"));
            texts.push(format!("{n}\n\n"));
        }
        texts.extend(
            [
                "0x",
                "0xg",
                "0x0006",
                "0x4010",
                "0xFFFFFFF",
                "0xfffffff0",
                "01",
                "0x10",
                "1x",
                "12 ",
                " 12",
                "+5",
                "-5",
                "1.5",
                "9999999999",
            ]
            .map(String::from),
        );
        for t in &texts {
            for sign in [Signedness::Signed, Signedness::Unsigned] {
                assert_eq!(
                    parse_c_int(t.as_bytes(), sign),
                    parse_c_int_any(t.as_bytes(), sign),
                    "{t:?} {sign:?}"
                );
            }
        }
    }

    #[test]
    fn decimal_hex_octal() {
        assert_eq!(s("5060").map(|c| c.value), Some(5060));
        assert_eq!(s("0x13c4").map(|c| c.value), Some(0x13c4));
        assert_eq!(s("0X1F").map(|c| c.value), Some(31));
        let oct = s("010").unwrap();
        assert_eq!((oct.value, oct.octal), (8, true));
        let zero = s("0").unwrap();
        assert_eq!((zero.value, zero.octal, zero.consumed), (0, false, 1));
    }

    #[test]
    fn octal_stops_at_8_and_9() {
        let c = s("09").unwrap();
        assert_eq!((c.value, c.consumed), (0, 1));
        assert!(c.has_trailing(b"09"));
    }

    #[test]
    fn hex_prefix_without_digits_is_zero_then_garbage() {
        let c = s("0xg").unwrap();
        assert_eq!((c.value, c.consumed), (0, 1));
    }

    #[test]
    fn trailing_garbage_is_consumed_up_to() {
        let c = s("5060x").unwrap();
        assert_eq!((c.value, c.consumed), (5060, 4));
        assert!(c.has_trailing(b"5060x"));
    }

    #[test]
    fn no_digits_is_none() {
        assert_eq!(s(""), None);
        assert_eq!(s("abc"), None);
        assert_eq!(s("-"), None);
        assert_eq!(s("  "), None);
    }

    #[test]
    fn signed_clamps_like_i386_strtol() {
        let c = s("4294967295").unwrap();
        assert_eq!((c.value, c.clamped), (0x7fff_ffff, true));
        let c = s("-2147483649").unwrap();
        assert_eq!((c.value, c.clamped), (0x8000_0000, true));
        assert_eq!(
            s("-2147483648").map(|c| (c.value, c.clamped)),
            Some((0x8000_0000, false))
        );
        assert_eq!(s("-5").map(|c| c.value), Some(-5i32 as u32));
        assert_eq!(s("99999999999999999999999").map(|c| c.clamped), Some(true));
    }

    #[test]
    fn unsigned_wraps_negatives_and_clamps_overflow() {
        assert_eq!(
            u("4294967295").map(|c| (c.value, c.clamped)),
            Some((u32::MAX, false))
        );
        assert_eq!(
            u("4294967296").map(|c| (c.value, c.clamped)),
            Some((u32::MAX, true))
        );
        assert_eq!(u("-1").map(|c| c.value), Some(u32::MAX));
        assert_eq!(u("0xFFFFFFFF").map(|c| c.value), Some(u32::MAX));
    }

    #[test]
    fn leading_space_and_sign() {
        assert_eq!(s("  +7").map(|c| (c.value, c.consumed)), Some((7, 4)));
    }

    #[test]
    fn atof_prefixes() {
        assert_eq!(atof(b"350"), 350.0);
        assert_eq!(atof(b"-10"), -10.0);
        assert_eq!(atof(b"1.5e1x"), 15.0);
        assert_eq!(atof(b"abc"), 0.0);
        assert_eq!(atof(b"12abc"), 12.0);
        assert_eq!(atof(b".5"), 0.5);
        assert!(atof(b"nan").is_nan());
        assert_eq!(atof(b"-inf"), f64::NEG_INFINITY);
        assert_eq!(atof(b"1e"), 1.0);
    }
}
