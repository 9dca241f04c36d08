//! The original's RC4 schemes and checksums.
//!
//! RC4 is written here rather than taken from the `rc4` crate: that crate fixes the key
//! length at compile time, while profile keys have any length from 1 byte up.

/// RC4 keystream generator.
// Every index is a `u8` (or `i < 256`) into a 256-entry array, so none can be out of range.
#[allow(clippy::indexing_slicing)]
pub struct Rc4 {
    s: [u8; 256],
    i: u8,
    j: u8,
}

#[allow(clippy::indexing_slicing)]
impl Rc4 {
    /// An empty key acts as a single zero byte (the original's buffer was zeroed).
    pub fn new(key: &[u8]) -> Self {
        let key: &[u8] = if key.is_empty() { &[0] } else { key };
        let mut s = [0u8; 256];
        for (i, v) in s.iter_mut().enumerate() {
            *v = i as u8;
        }
        let mut j = 0u8;
        for i in 0..256 {
            let k = key[i % key.len()];
            j = j.wrapping_add(s[i]).wrapping_add(k);
            s.swap(i, usize::from(j));
        }
        Rc4 { s, i: 0, j: 0 }
    }

    pub fn apply(&mut self, data: &mut [u8]) {
        for byte in data {
            self.i = self.i.wrapping_add(1);
            self.j = self.j.wrapping_add(self.s[usize::from(self.i)]);
            self.s.swap(usize::from(self.i), usize::from(self.j));
            let k = self.s[usize::from(
                self.s[usize::from(self.i)].wrapping_add(self.s[usize::from(self.j)]),
            )];
            *byte ^= k;
        }
    }
}

/// One key byte from two characters, as the original made it: `strtoul("0xAA" + pair, 0)`
/// keeps the low 8 bits, so a non-hex character stops the number and lets the `AA` in.
pub fn key_pair_to_byte(pair: [u8; 2]) -> u8 {
    let mut value: u32 = 0xAA;
    for c in pair {
        match (c as char).to_digit(16) {
            Some(d) => value = (value << 4) | d,
            None => break,
        }
    }
    value as u8
}

/// Weak key bytes from `-e` text or a profile's `EncryptKey`: an odd length gets a `0`,
/// then each pair of characters makes a byte ([`key_pair_to_byte`]).
///
/// The original kept the text in a 32-byte buffer directly followed by the 32-byte key it
/// wrote: text past 32 characters ran into the key, so key byte `i` landed on text
/// character `32 + i` before pair `16 + i/2` was read. Pairs from 16 on therefore read key
/// bytes already made, not the digits typed. This reproduces that (for keys of up to 63
/// characters; 64 or more crashed the original, and callers refuse them).
pub fn weak_key_bytes(text: &[u8]) -> Vec<u8> {
    let mut buf = text.to_vec();
    if buf.len() % 2 == 1 {
        buf.push(b'0');
    }
    let n = buf.len() / 2;
    if buf.len() < 32 + n {
        buf.resize(32 + n, 0);
    }
    for i in 0..n {
        let pair = [
            buf.get(2 * i).copied().unwrap_or(b'0'),
            buf.get(2 * i + 1).copied().unwrap_or(b'0'),
        ];
        if let Some(slot) = buf.get_mut(32 + i) {
            *slot = key_pair_to_byte(pair);
        }
    }
    buf.get(32..32 + n).unwrap_or_default().to_vec()
}

/// A weak key of this many characters or more overran the original's key buffer (crash).
pub const MAX_WEAK_KEY: usize = 63;

/// A weak (RC4) key, parsed once from the hex text as typed (`-e`, a key file, a profile's
/// `EncryptKey`): the text is kept for the checks that count its characters, the bytes are
/// the original's ([`weak_key_bytes`]: odd lengths, non-hex characters and 33–63-character
/// keys come out as it made them). Debug output never shows either.
#[derive(Clone, PartialEq, Eq)]
pub struct WeakKey {
    text: Vec<u8>,
    bytes: Vec<u8>,
}

/// Why the original could not use a weak key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WeakKeyProblem {
    /// No characters: the original divided by zero.
    Empty,
    /// More than [`MAX_WEAK_KEY`] characters: the original overran its key buffer.
    TooLong { len: usize },
}

impl std::fmt::Display for WeakKeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WeakKeyProblem::Empty => f.write_str("is empty"),
            WeakKeyProblem::TooLong { len } => {
                write!(f, "has {len} characters, at most {MAX_WEAK_KEY} work")
            }
        }
    }
}

impl WeakKey {
    /// Any text makes a key; [`WeakKey::problem`] says whether the original could use it.
    pub fn from_text(text: impl AsRef<[u8]>) -> WeakKey {
        let text = text.as_ref().to_vec();
        let bytes = weak_key_bytes(&text);
        WeakKey { text, bytes }
    }

    /// The text as typed (to hand on, or to count: never to print).
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// Characters typed.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The RC4 key bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether key bytes after the 16th are not the digits typed (more than 32
    /// characters overlapped the original's buffers).
    pub fn overlaps(&self) -> bool {
        self.text.len() > 32
    }

    /// Characters that are not hex digits (the original warned once for each).
    pub fn not_hex_count(&self) -> usize {
        self.text.iter().filter(|b| !b.is_ascii_hexdigit()).count()
    }

    /// `None` when the original could use the key.
    pub fn problem(&self) -> Option<WeakKeyProblem> {
        if self.text.is_empty() {
            Some(WeakKeyProblem::Empty)
        } else if self.text.len() > MAX_WEAK_KEY {
            Some(WeakKeyProblem::TooLong {
                len: self.text.len(),
            })
        } else {
            None
        }
    }

    /// A keystream for this key.
    pub fn rc4(&self) -> Rc4 {
        Rc4::new(&self.bytes)
    }
}

impl std::fmt::Debug for WeakKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WeakKey(<secret>)")
    }
}

/// A strong key, parsed once from the hex text as typed (`-x`, a key file): the 32 bytes
/// by the original's hex rules ([`strong_key_bytes`]). Debug output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct StrongKey {
    text: Vec<u8>,
    bytes: [u8; 32],
}

impl StrongKey {
    pub fn from_text(text: impl AsRef<[u8]>) -> StrongKey {
        let text = text.as_ref().to_vec();
        let bytes = strong_key_bytes(&text);
        StrongKey { text, bytes }
    }

    /// The text as typed (to hand on, or to count: never to print).
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// Characters that are not hex digits (the original warned once for each).
    pub fn not_hex_count(&self) -> usize {
        self.text.iter().filter(|b| !b.is_ascii_hexdigit()).count()
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// A keystream for this key.
    pub fn rc4(&self) -> Rc4 {
        Rc4::new(&self.bytes)
    }
}

impl std::fmt::Debug for StrongKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StrongKey(<secret>)")
    }
}

/// The original's hex rules (hex values, `-x` keys, `EncryptKeyEx`): pairs of digits make
/// bytes, a non-hex character counts as 0, an odd last digit fills a high nibble, digits
/// beyond the field are ignored.
pub fn hex_into(text: &[u8], field: &mut [u8]) {
    for (slot, pair) in field.iter_mut().zip(text.chunks(2)) {
        let nibble = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16)).unwrap_or(0) as u8;
        *slot = (nibble(pair.first()) << 4) | nibble(pair.get(1));
    }
}

/// Whether every character is a hex digit (and there is at least one).
pub fn is_all_hex(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(u8::is_ascii_hexdigit)
}

/// The strong scheme's 32-byte key from hex text.
pub fn strong_key_bytes(text: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    hex_into(text, &mut key);
    key
}

/// Checksum of plain and weak files: the byte sum modulo 2^16.
pub fn checksum_simple(data: &[u8]) -> u16 {
    // Summed in 32 bits, a chunk at a time (64 KiB of bytes cannot overflow it), so the
    // loop is a vector sum: this runs over every byte of every file written.
    data.chunks(1 << 16).fold(0u16, |sum, chunk| {
        let chunk_sum: u32 = chunk.iter().map(|&b| u32::from(b)).sum();
        sum.wrapping_add(chunk_sum as u16)
    })
}

/// Checksum of strong files: the internet checksum of big-endian words, an odd last byte
/// added as a low-order value, carries folded, one's complement.
pub fn checksum_internet(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        if let [hi, lo] = w {
            sum = sum.wrapping_add(u32::from(u16::from_be_bytes([*hi, *lo])));
        }
    }
    // The original added an odd last byte as a signed `char` (recorded: a strong file
    // whose payload ends in 0xea has a checksum 0x100 above the unsigned sum's).
    if let [last] = words.remainder() {
        sum = sum.wrapping_add_signed(i32::from(*last as i8));
    }
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// The 60-byte blob in the original's data segment that hides the 0x1105 material.
pub const FIXED_1105_BLOB: [u8; 60] = [
    0xb8, 0x1b, 0x45, 0x66, 0x01, 0x6b, 0x8a, 0xe4, 0xa3, 0xdc, 0xff, 0x80, 0xe1, 0xcf, 0x3c, 0xf1,
    0x6a, 0xef, 0xd3, 0x81, 0xe3, 0x59, 0xb2, 0x55, 0x29, 0x5a, 0x66, 0x6f, 0x72, 0xb4, 0x8c, 0xd7,
    0xaa, 0xf5, 0xe0, 0xb5, 0x97, 0x6d, 0xf7, 0xab, 0x37, 0x59, 0x65, 0x96, 0xf4, 0x3d, 0xa7, 0x4a,
    0xb0, 0xc2, 0x2f, 0xae, 0xcc, 0xd4, 0x07, 0x37, 0x39, 0xad, 0x54, 0x08,
];

/// Unpacks the blob: RC4-decrypt its first 40 bytes with its last 20 as key, append the
/// key, XOR byte i with byte i+20. Bytes 0..4 are the record prefix, 4..20 the RC4 key.
// Fixed-size arrays with constant indices: nothing here depends on input.
#[allow(clippy::indexing_slicing)]
pub fn fixed_1105_material() -> ([u8; 4], [u8; 16]) {
    let mut plain = [0u8; 60];
    plain[..40].copy_from_slice(&FIXED_1105_BLOB[..40]);
    Rc4::new(&FIXED_1105_BLOB[40..]).apply(&mut plain[..40]);
    plain[40..].copy_from_slice(&FIXED_1105_BLOB[40..]);
    let mut mixed = [0u8; 20];
    for (i, m) in mixed.iter_mut().enumerate() {
        *m = plain[i] ^ plain[i + 20];
    }
    let mut prefix = [0u8; 4];
    prefix.copy_from_slice(&mixed[..4]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&mixed[4..20]);
    (prefix, key)
}

/// Length of the `EncryptKeyEx` inner value: MAC (6) then key (32).
pub const ENCRYPT_KEY_EX_INNER: usize = 38;

/// Wraps an `EncryptKeyEx` inner value into the 0x1105 record value (44 bytes).
pub fn wrap_1105(inner: &[u8; ENCRYPT_KEY_EX_INNER]) -> Vec<u8> {
    let (prefix, key) = fixed_1105_material();
    let mut body = Vec::with_capacity(2 + ENCRYPT_KEY_EX_INNER);
    body.extend_from_slice(&checksum_internet(inner).to_be_bytes());
    body.extend_from_slice(inner);
    Rc4::new(&key).apply(&mut body);
    let mut value = prefix.to_vec();
    value.extend_from_slice(&body);
    value
}

/// Undoes [`wrap_1105`]: the inner value when the prefix and checksum match.
pub fn unwrap_1105(value: &[u8]) -> Option<[u8; ENCRYPT_KEY_EX_INNER]> {
    let (prefix, key) = fixed_1105_material();
    if value.len() != 4 + 2 + ENCRYPT_KEY_EX_INNER || value.get(..4)? != prefix {
        return None;
    }
    let mut body = value.get(4..)?.to_vec();
    Rc4::new(&key).apply(&mut body);
    let mut inner = [0u8; ENCRYPT_KEY_EX_INNER];
    inner.copy_from_slice(body.get(2..)?);
    (body.get(..2)? == checksum_internet(&inner).to_be_bytes()).then_some(inner)
}

/// Strong encryption of header-and-payload `plain` with mask `rand8`.
pub fn strong_encrypt(plain: &[u8], key: &[u8; 32], rand8: [u8; 8]) -> Vec<u8> {
    let mut out: Vec<u8> = plain
        .iter()
        .zip(rand8.iter().cycle())
        .map(|(b, r)| b ^ r)
        .collect();
    out.extend_from_slice(&rand8);
    Rc4::new(key).apply(&mut out);
    out
}

/// Undoes [`strong_encrypt`]; `None` when the input is shorter than 9 bytes.
pub fn strong_decrypt(data: &[u8], key: &[u8; 32]) -> Option<Vec<u8>> {
    if data.len() < 9 {
        return None;
    }
    let mut plain = data.to_vec();
    Rc4::new(key).apply(&mut plain);
    let split = plain.len() - 8;
    let mut rand8 = [0u8; 8];
    rand8.copy_from_slice(plain.get(split..)?);
    plain.truncate(split);
    for (b, r) in plain.iter_mut().zip(rand8.iter().cycle()) {
        *b ^= r;
    }
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// Recorded from cfgfmt 2.3: the strong checksum of this 83-byte payload is 0x7fe4.
    #[test]
    fn internet_checksum_adds_an_odd_last_byte_signed() {
        let payload = h(
            "91021b695a2a61282053384944712d6b5f2b5a3b415a204d2a705465620091052c876543225fdb7b29edeba4c3ecf9d09077fbf2dc7ebbfcab009f6abed5062ba91ee544a21c8ecfe8764fbd2d4604ffffffea",
        );
        assert_eq!(checksum_internet(&payload), 0x7fe4);
        assert_eq!(checksum_internet(&[0x14, 0x01, 0x01]), !0x1402);
    }

    #[test]
    fn rc4_known_answer_from_original() {
        let mut data = h("23617461fffe0400160003140101");
        Rc4::new(&weak_key_bytes(b"abcd")).apply(&mut data);
        assert_eq!(hex::encode(data), "27fcf464801f178a96fb373a7ae0");
    }

    #[test]
    fn odd_key_gets_a_zero() {
        assert_eq!(weak_key_bytes(b"abc"), weak_key_bytes(b"abc0"));
        assert_eq!(weak_key_bytes(b"abc"), vec![0xab, 0xc0]);
    }

    /// Recorded from cfgfmt 2.3: `UseTftp:1` compiled with `-e` and 33, 40 and 63 characters
    /// of `0123456789abcdef…` (first 14 bytes of the output).
    #[test]
    fn long_weak_keys_overlap_as_in_the_original() {
        let digits = "0123456789abcdef".repeat(4);
        for (n, want) in [
            (33, "24006450edb4468870ba3f186d69"),
            (40, "fb12243c1132462e0c5f66a1664d"),
            (62, "36b730f7c5a7c40a6cca1f6bf4ff"),
            (63, "30a4bb3ebfe45a3c2425dc6e57bb"),
        ] {
            let mut data = h("23617461fffe0400160003140101");
            Rc4::new(&weak_key_bytes(&digits.as_bytes()[..n])).apply(&mut data);
            assert_eq!(hex::encode(data), want, "{n}");
        }
        // Up to 32 characters the bytes are the digits.
        assert_eq!(
            weak_key_bytes(&digits.as_bytes()[..32]),
            h("0123456789abcdef0123456789abcdef")
        );
    }

    #[test]
    fn keys_are_parsed_once_and_never_shown() {
        let weak = WeakKey::from_text("abc");
        assert_eq!(weak.bytes(), weak_key_bytes(b"abc").as_slice());
        assert_eq!(weak.text(), b"abc");
        assert_eq!(weak.problem(), None);
        assert_eq!(
            WeakKey::from_text("").problem(),
            Some(WeakKeyProblem::Empty)
        );
        let long = WeakKey::from_text("1".repeat(64));
        assert_eq!(long.problem(), Some(WeakKeyProblem::TooLong { len: 64 }));
        assert_eq!(
            long.problem().unwrap().to_string(),
            "has 64 characters, at most 63 work"
        );
        assert_eq!(WeakKey::from_text("zz12").not_hex_count(), 2);
        let strong = StrongKey::from_text("1g22");
        assert_eq!(strong.bytes(), &strong_key_bytes(b"1g22"));
        assert_eq!(strong.not_hex_count(), 1);
        let shown = format!("{weak:?} {strong:?} {:?}", Some(&weak));
        assert!(!shown.contains("abc") && !shown.contains("1g22"), "{shown}");
    }

    #[test]
    fn pair_trick() {
        assert_eq!(key_pair_to_byte(*b"12"), 0x12);
        assert_eq!(key_pair_to_byte(*b"ab"), 0xab);
        assert_eq!(key_pair_to_byte(*b"1g"), 0xa1);
        assert_eq!(key_pair_to_byte(*b"g1"), 0xaa);
    }

    #[test]
    fn hex_rules() {
        let mut f = [0u8; 4];
        hex_into(b"1zab5", &mut f);
        assert_eq!(f, [0x10, 0xab, 0x50, 0x00]);
        let mut f = [0u8; 2];
        hex_into(b"11223344", &mut f);
        assert_eq!(f, [0x11, 0x22]);
        assert!(is_all_hex(b"0aF"));
        assert!(!is_all_hex(b""));
        assert!(!is_all_hex(b"0g"));
    }

    #[test]
    fn checksums() {
        assert_eq!(checksum_simple(&h("140101")), 22);
        assert_eq!(checksum_simple(&h("0304c0a802aa")), 539);
        assert_eq!(checksum_internet(&[]), 0xFFFF);
        assert_eq!(checksum_internet(&h("140101")), 60413);
        assert_eq!(checksum_internet(&h("fffe")), 0x0001);
        assert_eq!(checksum_internet(&h("ffffffff01")), 0xfffe);
    }

    #[test]
    fn fixed_material() {
        let (prefix, key) = fixed_1105_material();
        assert_eq!(hex::encode(prefix), "87654322");
        assert_eq!(hex::encode(key), "e93cbf11033f9c34d7ddcc6b2ea6cb66");
    }

    #[test]
    fn wrap_1105_prediction_and_unwrap() {
        let mut inner = [0u8; ENCRYPT_KEY_EX_INNER];
        hex_into(b"020000000001", &mut inner[..6]);
        hex_into(b"0011223344556677", &mut inner[6..]);
        let value = wrap_1105(&inner);
        assert_eq!(
            hex::encode(&value),
            "87654322fa527929edeba4c238dad6235915dfc3b5151b251c7484b6d9d9db191ee544a21c8ecfe8764fbd2d"
        );
        assert_eq!(unwrap_1105(&value), Some(inner));
        let mut bad = value.clone();
        bad[10] ^= 1;
        assert_eq!(unwrap_1105(&bad), None);
    }

    #[test]
    fn strong_prediction_and_roundtrip() {
        let key =
            strong_key_bytes(b"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        let plain = h("fffe04ebfd0003140101");
        let x = strong_encrypt(&plain, &key, [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(hex::encode(&x), "7aa4aabf6b226496f959b93a974679910fc2");
        assert_eq!(strong_decrypt(&x, &key), Some(plain));
        assert_eq!(strong_decrypt(&x[..8], &key), None);
        let short_key = strong_key_bytes(b"00112233445566778899aabbccddeeff");
        let x16 = strong_encrypt(
            &h("fffe04ebfd0003140101"),
            &short_key,
            [0, 1, 2, 3, 4, 5, 6, 7],
        );
        assert_eq!(hex::encode(x16), "5fb6f590697a26791505d4606a9331a73bb2");
    }
}
