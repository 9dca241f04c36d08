//! Random cases for the differential check: profiles for every format bit of both tables,
//! pseudo-parameters, includes, switches and their combinations, keys, split sizes, CRLF,
//! TABs, blanks, malformed values, damaged tag tables, odd command lines, and binaries to
//! decode (made by the original itself when it is at hand, else built here), good and damaged.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::case::{Blob, Case, TableText};

#[derive(Debug, Clone)]
pub struct Desc {
    pub tag: u32,
    pub fmt: u32,
    pub name: String,
    pub size: u32,
}

fn c_int(s: &str) -> Option<u32> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

pub fn descriptors(table: TableText) -> Vec<Desc> {
    table
        .text()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l
                .split([',', ' ', '\t'])
                .filter(|s| !s.is_empty())
                .collect();
            Some(Desc {
                tag: c_int(f.first()?)?,
                fmt: c_int(f.get(1)?)?,
                name: f.get(2)?.to_string(),
                size: c_int(f.get(3)?)?,
            })
        })
        .collect()
}

/// A case generator: one seeded stream per case, so any case can be made again alone.
pub struct Gen {
    pub rng: StdRng,
    pub id: String,
}

const PRINTABLE: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .:-_/@#,;=+*!?()<>";

impl Gen {
    pub fn new(seed: u64, index: u64) -> Gen {
        let mixed = seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Gen {
            rng: StdRng::seed_from_u64(mixed),
            id: format!("{seed}-{index}"),
        }
    }

    fn p(&mut self, prob: f64) -> bool {
        self.rng.gen_bool(prob)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items.choose(&mut self.rng).expect("non-empty")
    }

    fn word(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| *self.pick(PRINTABLE) as char)
            .collect::<String>()
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| *self.pick(b"0123456789abcdefABCDEF") as char)
            .collect()
    }

    fn number(&mut self) -> String {
        match self.rng.gen_range(0..14) {
            0 => "0".into(),
            1 => self.rng.gen_range(0..10).to_string(),
            2 => self.rng.gen_range(0..70000).to_string(),
            3 => format!("0x{:x}", self.rng.r#gen::<u32>()),
            4 => format!("0{}", self.rng.gen_range(0..800)),
            5 => format!("-{}", self.rng.gen_range(0..100000)),
            6 => self
                .pick(&[
                    "4294967295",
                    "4294967296",
                    "2147483647",
                    "2147483648",
                    "99999999999",
                    "-2147483649",
                ])
                .to_string(),
            7 => format!("{}{}", self.rng.gen_range(0..1000), self.word(2)),
            8 => self.word(3),
            9 => String::new(),
            10 => format!(" {}", self.rng.gen_range(0..100)),
            11 => format!("+{}", self.rng.gen_range(0..100)),
            12 => format!("0X{:X}", self.rng.gen_range(0..65536)),
            _ => self.rng.r#gen::<u32>().to_string(),
        }
    }

    fn octet(&mut self) -> String {
        match self.rng.gen_range(0..10) {
            0 => "256".into(),
            1 => format!("0{}", self.rng.gen_range(0..100)),
            2 => self.rng.gen_range(0..1000).to_string(),
            _ => self.rng.gen_range(0..256).to_string(),
        }
    }

    fn ip(&mut self) -> String {
        let good = format!(
            "{}.{}.{}.{}",
            self.rng.gen_range(0..256),
            self.rng.gen_range(0..256),
            self.rng.gen_range(0..256),
            self.rng.gen_range(0..256)
        );
        match self.rng.gen_range(0..16) {
            0..=5 => good,
            6 => "0".into(),
            7 => {
                let n = self.rng.gen_range(1..6);
                (0..n).map(|_| self.octet()).collect::<Vec<_>>().join(".")
            }
            8 => {
                let n = self.rng.gen_range(1..12);
                self.word(n)
            }
            9 => format!("{good} "),
            10 => format!("{good}{}", self.word(2)),
            11 => format!(
                "{}.{}.{}.{}",
                self.octet(),
                self.octet(),
                self.octet(),
                self.octet()
            ),
            12 => format!("-{good}"),
            13 => "1..2.3".into(),
            14 => format!("0x{:x}.1.1.1", self.rng.gen_range(0..300)),
            _ => String::new(),
        }
    }

    fn short_list(&mut self, max: usize) -> String {
        let n = self.rng.gen_range(0..max + 3);
        let sep = *self.pick(&[",", ",", ", ", " "]);
        (0..n)
            .map(|_| {
                if self.p(0.1) {
                    self.number()
                } else {
                    self.rng.gen_range(0..70000).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn freq(&mut self) -> String {
        let count = if self.p(0.8) {
            self.rng.gen_range(1..3)
        } else {
            self.rng.gen_range(0..5)
        };
        let mut parts = vec![count.to_string()];
        for _ in 0..count {
            parts.push(self.rng.gen_range(0..4000).to_string());
            parts.push(format!("-{}", self.rng.gen_range(0..40)));
        }
        let tail = self.rng.gen_range(0..7);
        for _ in 0..tail {
            parts.push(self.rng.gen_range(0..70000).to_string());
        }
        if self.p(0.1) {
            parts.push(self.word(2));
        }
        parts.join(",")
    }

    /// A value for a descriptor's format bits, good most of the time.
    pub fn value(&mut self, d: &Desc) -> String {
        let f = d.fmt;
        let size = d.size as usize;
        if self.p(0.05) {
            return String::new();
        }
        if f & 0x20 != 0 {
            return self
                .pick(&[
                    "0", "1", "1", "true", "false", "TRUE", "yes", "2", " 1", "x",
                ])
                .to_string();
        }
        if f & 0x02 != 0 {
            return self.ip();
        }
        if f & 0x80 != 0 {
            let port = match self.rng.gen_range(0..5) {
                0 => "70000".into(),
                1 => self.word(3),
                _ => self.rng.gen_range(0..65536).to_string(),
            };
            return format!("{}.{port}", self.ip());
        }
        if f & 0x100 != 0 {
            return self.freq();
        }
        if f & 0x40 != 0 {
            return self.short_list(size / 2);
        }
        if f & 0x400 != 0 {
            let n = self.rng.gen_range(0..size * 2 + 6);
            let mut h = self.hex(n);
            if self.p(0.15) {
                h.push_str(&self.word(2));
            }
            return h;
        }
        if f & 0x08 != 0 && f & 0x04 == 0 {
            let n = self.rng.gen_range(0..size + 4);
            let mut s: String = (0..n).map(|_| *self.pick(b"0123456789") as char).collect();
            if self.p(0.1) {
                s.push_str(&self.word(2));
            }
            return s;
        }
        if f & 0x04 != 0 {
            return self.number();
        }
        // Strings: around the size, sometimes far past it.
        let n = match self.rng.gen_range(0..10) {
            0 => size + self.rng.gen_range(0..40),
            1 => 0,
            _ => self.rng.gen_range(1..=size.max(1)),
        };
        self.word(n)
    }

    fn pseudo(&mut self) -> String {
        let name = *self.pick(&[
            "upgradecode",
            "upgradelang",
            "upgradelogo",
            "upgradexml",
            "tftpurl2",
            "EncryptKeyEx",
            "EncryptKey",
            "UPGRADECODE",
        ]);
        let value = match name.to_ascii_lowercase().as_str() {
            "upgradecode" | "upgradelang" => {
                let n = self.rng.gen_range(4..10);
                let mut t: Vec<String> = vec![
                    self.rng.gen_range(0..4).to_string(),
                    format!("0x{:x}", self.rng.r#gen::<u32>()),
                    format!("0x{:04x}", self.rng.gen_range(0..65536)),
                    format!("0x{:04x}", self.rng.gen_range(0..65536)),
                    self.ip(),
                    self.rng.gen_range(0..70000).to_string(),
                    format!("0x{:x}", self.rng.r#gen::<u32>()),
                    format!("CP7912{}.sbin", self.rng.gen_range(0..1000000)),
                    self.word(3),
                ];
                if self.p(0.15) {
                    let len = self.rng.gen_range(25..45);
                    t[7] = self.word(len).replace([' ', ','], "x");
                }
                if self.p(0.1) {
                    t[1] = self.word(3);
                }
                t.truncate(n);
                t.join(*self.pick(&[",", ", "]))
            }
            "upgradelogo" | "upgradexml" => {
                let len = if self.p(0.15) {
                    self.rng.gen_range(30..50)
                } else {
                    self.rng.gen_range(1..20)
                };
                let file = self.word(len).replace([' ', ','], "_");
                let n = self.rng.gen_range(1..4);
                let parts = [format!("0x{:x}", self.rng.r#gen::<u32>()), self.ip(), file];
                parts[..n].join(",")
            }
            "tftpurl2" => {
                let len = self.rng.gen_range(0..45);
                self.word(len)
            }
            "encryptkeyex" => {
                let len = self.rng.gen_range(0..70);
                let mut k = self.hex(len);
                if self.p(0.2) {
                    k.push_str(&self.word(2));
                }
                if self.p(0.3) {
                    k.push_str(&format!("/{}", self.hex(12)));
                }
                k
            }
            _ => {
                let len = if self.p(0.05) {
                    self.rng.gen_range(90..130)
                } else {
                    self.rng.gen_range(0..12)
                };
                self.hex(len)
            }
        };
        format!("{name}:{value}")
    }

    fn line(&mut self, descs: &[Desc]) -> String {
        let roll = self.rng.gen_range(0..100);
        let (name, value) = if roll < 8 {
            return self.pseudo();
        } else if roll < 11 {
            (self.word(6).replace([' ', ':'], "Q"), self.word(4))
        } else if roll < 14 {
            return self
                .pick(&[
                    "# a comment",
                    "",
                    "   ",
                    "\t",
                    "#",
                    "#txt",
                    " # not a comment",
                ])
                .to_string();
        } else {
            let d = self.pick(descs).clone();
            let v = self.value(&d);
            let mut name = d.name.clone();
            if self.p(0.08) {
                name = name.to_ascii_lowercase();
            }
            (name, v)
        };
        let sep = match self.rng.gen_range(0..20) {
            0 => " ",
            1 => ": ",
            2 => "\t",
            3 => ":\t",
            4 => "::",
            5 => " : ",
            _ => ":",
        };
        let lead = match self.rng.gen_range(0..30) {
            0 => " ",
            1 => "\t",
            2 => ":",
            _ => "",
        };
        let trail = match self.rng.gen_range(0..25) {
            0 => " ",
            1 => "\t",
            _ => "",
        };
        format!("{lead}{name}{sep}{value}{trail}")
    }

    fn profile(&mut self, descs: &[Desc], lines: usize, eol: &str) -> String {
        let mut s = String::from("#txt");
        s.push_str(eol);
        for _ in 0..lines {
            s.push_str(&self.line(descs));
            s.push_str(eol);
        }
        if self.p(0.1) {
            s.pop(); // a last line without its newline
        }
        s
    }

    fn key_switches(&mut self, args: &mut Vec<String>) {
        if self.p(0.15) {
            let len = *self.pick(&[1usize, 2, 3, 4, 8, 16, 20, 40]);
            let mut k = self.hex(len);
            if self.p(0.15) {
                k.push_str(&self.word(1).replace(' ', "z"));
            }
            args.push(format!("-e{k}"));
        }
        if self.p(0.12) {
            let len = *self.pick(&[1usize, 2, 8, 16, 32, 63, 64, 70]);
            let mut k = self.hex(len);
            if self.p(0.15) {
                k.push('g');
            }
            args.push(format!("-x{k}"));
        }
        for s in ["-E", "-X"] {
            if self.p(0.06) {
                args.push(s.into());
            }
        }
    }

    fn switches(&mut self, args: &mut Vec<String>) {
        for s in ["-sip", "-h323", "-mgcp", "-sccp"] {
            if self.p(0.08) {
                args.push(s.into());
            }
        }
        if self.p(0.1) {
            args.push("-g".into());
        }
        if self.p(0.1) {
            args.push("-split".into());
        }
        if self.p(0.1) {
            args.push("-v".into());
        }
        self.key_switches(args);
        if self.p(0.03) {
            args.push(
                self.pick(&["-foo", "-q", "-sipx", "-Z", "-help", "-spl"])
                    .to_string(),
            );
        }
    }

    /// The table switch and file: `-t<name>` or the default `ptag.dat`.
    fn table(&mut self, args: &mut Vec<String>) -> (Vec<(String, TableText)>, TableText) {
        let which = if self.p(0.6) {
            TableText::Sip7912
        } else {
            TableText::Ata186
        };
        if self.p(0.25) {
            (vec![("ptag.dat".into(), which)], which)
        } else {
            let name = *self.pick(&["sip_ptag.dat", "tags.dat", "t/x.dat"]);
            args.push(format!("-t{name}"));
            (vec![(name.into(), which)], which)
        }
    }

    fn shuffle_into(&mut self, mut args: Vec<String>, input: &str, output: &str) -> Vec<String> {
        args.shuffle(&mut self.rng);
        // Positionals stay in order; switches may come anywhere.
        let i = self.rng.gen_range(0..=args.len());
        args.insert(i, input.into());
        let j = self.rng.gen_range(i + 1..=args.len());
        args.insert(j, output.into());
        args
    }

    pub fn compile_case(&mut self) -> Case {
        let mut args = Vec::new();
        let (tables, which) = self.table(&mut args);
        let descs = descriptors(which);
        self.switches(&mut args);
        let eol = if self.p(0.15) { "\r\n" } else { "\n" };
        let n = if self.p(0.1) {
            self.rng.gen_range(60..200)
        } else {
            self.rng.gen_range(1..25)
        };
        let mut text = self.profile(&descs, n, eol);
        let mut files = Vec::new();
        if self.p(0.08) {
            let lines = self.rng.gen_range(1..6);
            let inc = self.profile(&descs, lines, eol);
            let body = inc
                .strip_prefix("#txt")
                .unwrap_or(&inc)
                .trim_start()
                .to_string();
            let name = *self.pick(&["inc.txt", "sub/inc.txt", "missing.txt"]);
            text.push_str(&format!("{eol}include {name}{eol}"));
            if name != "missing.txt" {
                files.push((name.to_string(), Blob::of(body.as_bytes())));
            }
        }
        let mut bytes = text.into_bytes();
        if self.p(0.05) {
            // A name that is not UTF-8: the original printed it raw in its warning.
            bytes.extend_from_slice(eol.as_bytes());
            bytes.extend_from_slice(&self.not_utf8_word());
            bytes.extend_from_slice(b":1");
            bytes.extend_from_slice(eol.as_bytes());
        }
        files.push(("in.txt".into(), Blob::of(&bytes)));
        let output = *self.pick(&["out.cfg", "gkdefault.cfg", "o"]);
        Case {
            id: self.id.clone(),
            group: "compile".into(),
            args: self.shuffle_into(args, "in.txt", output),
            tables,
            files,
        }
    }

    /// A decoding case; `binary` is a compiled file (from the original when at hand).
    pub fn decode_case(
        &mut self,
        binary: Vec<u8>,
        tables: Vec<(String, TableText)>,
        mut args: Vec<String>,
    ) -> Case {
        let mut bytes = binary;
        if self.p(0.5) && !bytes.is_empty() {
            match self.rng.gen_range(0..6) {
                0 => {
                    let at = self.rng.gen_range(0..bytes.len());
                    bytes.truncate(at);
                }
                1 => {
                    let at = self.rng.gen_range(0..bytes.len());
                    bytes[at] ^= 1 << self.rng.gen_range(0..8);
                }
                2 => {
                    let at = self.rng.gen_range(0..bytes.len());
                    bytes[at] = self.rng.r#gen();
                }
                3 => {
                    let n = self.rng.gen_range(1..20);
                    for _ in 0..n {
                        bytes.push(self.rng.r#gen());
                    }
                }
                4 if bytes.len() > 10 => {
                    // The declared length.
                    bytes[9] = self.rng.r#gen();
                }
                _ if bytes.len() > 8 => {
                    // The checksum.
                    bytes[7] = self.rng.r#gen();
                }
                _ => {}
            }
        }
        let files = vec![("in.cfg".to_string(), Blob::of(&bytes))];
        let output = *self.pick(&["out.txt", "o"]);
        Case {
            id: self.id.clone(),
            group: "decode".into(),
            args: {
                let a = std::mem::take(&mut args);
                self.shuffle_into(a, "in.cfg", output)
            },
            tables,
            files,
        }
    }

    /// The text, table and switches to make a binary for a decoding case.
    pub fn decode_source(&mut self) -> (Case, Vec<String>) {
        let mut c = self.compile_case();
        // Fewer errors in the source: keep what the original would write.
        c.group = "decode-source".into();
        let mut dec_args: Vec<String> = c
            .args
            .iter()
            .filter(|a| a.starts_with("-t"))
            .cloned()
            .collect();
        for a in &c.args {
            if (a.starts_with("-e") || a.starts_with("-x")) && self.p(0.8) {
                dec_args.push(a.clone());
            }
        }
        if self.p(0.2) {
            dec_args.push("-v".into());
        }
        for s in ["-sip", "-h323", "-mgcp", "-sccp"] {
            if self.p(0.05) {
                dec_args.push(s.into());
            }
        }
        if self.p(0.05) {
            dec_args.push(format!("-e{}", self.hex(4)));
        }
        (c, dec_args)
    }

    /// Random bytes in the shape of a profile, for when no original is at hand.
    pub fn built_binary(&mut self, which: TableText) -> Vec<u8> {
        let descs = descriptors(which);
        let mut payload = Vec::new();
        for _ in 0..self.rng.gen_range(0..12) {
            let d = self.pick(&descs).clone();
            let len = if self.p(0.9) {
                d.size as usize
            } else {
                self.rng.gen_range(0..40)
            };
            let tag = d.tag;
            if tag < 0x80 {
                payload.push(tag as u8);
            } else {
                payload.push(0x80 | (tag >> 8) as u8);
                payload.push(tag as u8);
            }
            payload.push(len as u8);
            for _ in 0..len {
                let b = if d.fmt & 0x10 != 0 {
                    *self.pick(PRINTABLE)
                } else {
                    self.rng.r#gen()
                };
                payload.push(b);
            }
        }
        let sum = payload
            .iter()
            .fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        let mut out = b"#ata\xff\xfe\x04".to_vec();
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        out
    }

    pub fn argv_case(&mut self) -> Case {
        let which = if self.p(0.5) {
            TableText::Sip7912
        } else {
            TableText::Ata186
        };
        let mut tables = vec![("ptag.dat".to_string(), which)];
        if self.p(0.3) {
            tables.clear();
        }
        let text = format!("#txt\nUseTftp:1\nUID:{}\n", self.rng.gen_range(1000..9999));
        let mut files = vec![("in.txt".to_string(), Blob::of(text.as_bytes()))];
        if self.p(0.2) {
            files.push(("bad.bin".into(), Blob::of(&self.rng.r#gen::<[u8; 12]>())));
        }
        if self.p(0.1) {
            files.push(("tiny".into(), Blob::of(b"#at")));
        }
        if self.p(0.1) {
            files.push(("empty".into(), Blob::of(b"")));
        }
        let pool = [
            "in.txt",
            "out.cfg",
            "missing.txt",
            "bad.bin",
            "tiny",
            "empty",
            "nodir/out.cfg",
            "-t",
            "-tnone.dat",
            "-tptag.dat",
            "-e",
            "-x",
            "-v",
            "-sip",
            "-foo",
            "-",
            "-E",
            "-g",
            "-split",
            "-h",
            "-s",
            "-eZZ",
            "-x12",
            "-spl",
            "-sipp",
            "-V",
        ];
        let n = self.rng.gen_range(0..5);
        let args = (0..n).map(|_| self.pick(&pool).to_string()).collect();
        Case {
            id: self.id.clone(),
            group: "argv".into(),
            args,
            tables,
            files,
        }
    }

    pub fn table_case(&mut self) -> Case {
        let which = if self.p(0.5) {
            TableText::Sip7912
        } else {
            TableText::Ata186
        };
        let descs = descriptors(which);
        let mut table = String::from("#tag,tagFmtBit,nameStr,size,context\n");
        let n = self.rng.gen_range(1..15);
        for _ in 0..n {
            let d = self.pick(&descs).clone();
            let line = match self.rng.gen_range(0..14) {
                0 => format!("{},{},{}", d.tag, d.fmt, d.name),
                1 => format!(
                    "{},0x{:x},{},{},{}",
                    d.tag,
                    d.fmt,
                    d.name,
                    d.size,
                    self.number()
                ),
                2 => format!("{}\t{}  {} {}", d.tag, d.fmt, d.name, d.size),
                3 => format!("{},{},{},{}", self.number(), d.fmt, d.name, d.size),
                4 => format!("{},{},{},{}", d.tag, self.number(), d.name, self.number()),
                5 => format!(" {},{},{},{}", d.tag, d.fmt, d.name, d.size),
                6 => self.word(10),
                7 => String::new(),
                8 => format!(
                    "{},{},{}{},{}",
                    d.tag,
                    d.fmt,
                    d.name,
                    self.word(30).replace([' ', ','], "L"),
                    d.size
                ),
                9 => format!("{},{},{},{}\r", d.tag, d.fmt, d.name, d.size),
                10 => format!("{},{},{},{},,", d.tag, d.fmt, d.name, d.size),
                _ => format!(
                    "{},0x{:04x},{},{},0x{:x}",
                    d.tag,
                    d.fmt,
                    d.name,
                    d.size,
                    self.rng.gen_range(0..16)
                ),
            };
            table.push_str(&line);
            table.push('\n');
        }
        let mut table = table.into_bytes();
        if self.p(0.1) {
            // A bad line that is not UTF-8: printed raw by both.
            table.extend_from_slice(&self.not_utf8_word());
            table.push(b'\n');
        }
        let mut c = self.compile_case();
        c.group = "table".into();
        // Replace the table file's text with ours.
        let name = c.tables[0].0.clone();
        c.tables.clear();
        c.files.push((name, Blob::of(&table)));
        c
    }

    /// Letters around one or two bytes of 0x80 and above that are not UTF-8 (`CAF\xe9x`).
    fn not_utf8_word(&mut self) -> Vec<u8> {
        let mut w = self.word(3).replace([' ', ':', ','], "Q").into_bytes();
        w.push(self.rng.gen_range(0x80..=0xff));
        if self.p(0.5) {
            w.push(self.rng.gen_range(0xf5..=0xff));
        }
        w.extend_from_slice(self.word(2).replace([' ', ':', ','], "Q").as_bytes());
        w
    }
}
