//! Synthetic fixtures for the package inspectors: signed headers (optionally signed with a test
//! RSA key made at test time), UAL images, `.loads`, `kup1` packages, trust lists and zips.
//! Layouts follow the fact sheet; no Cisco firmware is used.
#![allow(dead_code)]

use flate2::write::DeflateEncoder;
use rsa::RsaPrivateKey;
use rsa::traits::PublicKeyParts;
use sha1::Digest;
use std::io::Write;
use std::sync::OnceLock;

pub const SIGNER: &str = "CN=someSigner;OU=someOrgUnit;O=someOrg";
pub const ISSUER: &str = "CN=someCA;OU=someOrgUnit;O=someOrg";
pub const SERIAL: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef];

/// A deterministic 1024-bit test key (seeded, so snapshots are stable).
pub fn test_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x7940_7960);
        RsaPrivateKey::new(&mut rng, 1024).expect("test key")
    })
}

pub fn other_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7912);
        RsaPrivateKey::new(&mut rng, 1024).expect("other key")
    })
}

pub fn public_key_pem(key: &RsaPrivateKey) -> String {
    use rsa::pkcs8::EncodePublicKey;
    key.to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .expect("pem")
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend_from_slice(&(value.len() as u16).to_be_bytes());
    v.extend_from_slice(value);
    v
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

#[derive(Clone, Debug)]
pub struct SgnBuilder {
    pub version: (u8, u8),
    pub signer_version: Option<(u8, u8)>,
    pub signer: String,
    pub serial: Vec<u8>,
    pub issuer: String,
    /// Cisco firmware: 4,5,6; certutils: 4,6,5.
    pub certutils_order: bool,
    pub hash: u8,
    pub modulus_index: u8,
    pub sig_len: usize,
    pub filename: String,
    pub timestamp: Option<u32>,
    /// Extra raw element bytes inserted before the signature (for unknown-tag tests).
    pub extra: Vec<u8>,
}

impl SgnBuilder {
    /// The exact shape of Cisco's 7940/7960/7912 firmware headers (§1.3).
    pub fn cisco(filename: &str) -> Self {
        SgnBuilder {
            version: (1, 1),
            signer_version: None,
            signer: SIGNER.into(),
            serial: SERIAL.to_vec(),
            issuer: ISSUER.into(),
            certutils_order: false,
            hash: 1,
            modulus_index: 2,
            sig_len: 256,
            filename: filename.into(),
            timestamp: None,
            extra: Vec::new(),
        }
    }

    /// What certutils writes for a `.sgn` signed with the test key.
    pub fn certutils(filename: &str, hash: u8) -> Self {
        SgnBuilder {
            version: (1, 0),
            signer_version: None,
            signer: "CN=test-signer,O=cfgfmt".into(),
            serial: vec![0x01, 0x42],
            issuer: "CN=test-ca,O=cfgfmt".into(),
            certutils_order: true,
            hash,
            modulus_index: 1,
            sig_len: 128,
            filename: filename.into(),
            timestamp: Some(1_200_000_000),
            extra: Vec::new(),
        }
    }

    /// Header bytes with `sig` as the signature value; returns (bytes, offset of tag 12).
    fn assemble(&self, header_length: u16, sig: &[u8]) -> (Vec<u8>, usize) {
        let mut h = tlv(1, &[self.version.0, self.version.1]);
        h.extend(tlv(2, &header_length.to_be_bytes()));
        if let Some((a, b)) = self.signer_version {
            h.extend(tlv(28, &[a, b]));
        }
        let signer = tlv(4, &cstr(&self.signer));
        let serial = tlv(5, &self.serial);
        let issuer = tlv(6, &cstr(&self.issuer));
        let inner: Vec<u8> = if self.certutils_order {
            [signer, issuer, serial].concat()
        } else {
            [signer, serial, issuer].concat()
        };
        h.extend(tlv(3, &inner));
        let alg = [tlv(10, &[0]), tlv(11, &[self.modulus_index])].concat();
        let siginfo = [tlv(8, &[self.hash]), tlv(9, &alg)].concat();
        h.extend(tlv(7, &siginfo));
        h.extend_from_slice(&self.extra);
        let sig_off = h.len();
        h.extend(tlv(12, sig));
        h.extend(tlv(14, &cstr(&self.filename)));
        if let Some(ts) = self.timestamp {
            h.extend(tlv(15, &ts.to_be_bytes()));
        }
        while !h.len().is_multiple_of(4) {
            h.push(13);
        }
        (h, sig_off)
    }

    pub fn header_length(&self) -> usize {
        self.assemble(0, &vec![0; self.sig_len]).0.len()
    }

    /// Build with a placeholder signature (`aa 20 9a` then a counter pattern).
    pub fn build(&self, payload: &[u8]) -> Vec<u8> {
        let mut sig = vec![0xaa, 0x20, 0x9a];
        sig.extend((0..self.sig_len.saturating_sub(3)).map(|i| (i * 7 + 3) as u8));
        sig.truncate(self.sig_len);
        let hl = self.header_length() as u16;
        let (mut h, _) = self.assemble(hl, &sig);
        h.extend_from_slice(payload);
        h
    }

    /// Build and sign with `key` (PKCS#1 v1.5 over the file minus the tag-12 TLV).
    pub fn build_signed(&self, payload: &[u8], key: &RsaPrivateKey) -> Vec<u8> {
        let sig_len = key.size();
        let mut me = self.clone();
        me.sig_len = sig_len;
        me.modulus_index = match sig_len * 8 {
            512 => 0,
            1024 => 1,
            2048 => 2,
            _ => 3,
        };
        let hl = me.header_length() as u16;
        let (h, sig_off) = me.assemble(hl, &vec![0; sig_len]);
        let mut signed = h[..sig_off].to_vec();
        signed.extend_from_slice(&h[sig_off + 3 + sig_len..]);
        signed.extend_from_slice(payload);
        let sig = match me.hash {
            1 => key
                .sign(
                    rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    &sha1::Sha1::digest(&signed),
                )
                .expect("sign"),
            3 => key
                .sign(
                    rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                    &sha2::Sha512::digest(&signed),
                )
                .expect("sign"),
            2 => key
                .sign(
                    rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &sha2::Sha256::digest(&signed),
                )
                .expect("sign"),
            _ => panic!("unsupported hash"),
        };
        let (mut out, _) = me.assemble(hl, &sig);
        out.extend_from_slice(payload);
        out
    }
}

/// The ARM vectors quoted from `P003-8-12-00.sbn` at 0x194.
pub const LOADER_VECTORS: [u8; 32] = [
    0x4f, 0, 0, 0xea, 0x6e, 0, 0, 0xea, 0x70, 0, 0, 0xea, 0x72, 0, 0, 0xea, 0x75, 0, 0, 0xea, 0x78,
    0, 0, 0xea, 0xd7, 0, 0, 0xea, 0xa4, 0, 0, 0xea,
];
/// The ARM vectors quoted from `P0S3-8-12-00.sb2` at 0x194.
pub const APP_VECTORS: [u8; 32] = [
    0xd4, 0x2e, 0xf1, 0xea, 0xf3, 0x2e, 0xf1, 0xea, 0xf5, 0x2e, 0xf1, 0xea, 0xf7, 0x2e, 0xf1, 0xea,
    0xfa, 0x2e, 0xf1, 0xea, 0xfd, 0x2e, 0xf1, 0xea, 0x7e, 0, 0, 0xea, 0x4c, 0, 0, 0xea,
];

fn put_le(buf: &mut [u8], off: usize, v: u32) {
    buf[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

fn filler(buf: &mut [u8], from: usize, seed: u32) {
    let mut x = seed | 1;
    for b in &mut buf[from..] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
}

/// A UAL loader payload of `len` bytes with the quoted 0x110–0x14f fields of `P003-8-12-00.bin`.
pub fn loader_payload(name: &str, tag: &str, len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    filler(&mut p, 0x140, 0x1234);
    p[..32].copy_from_slice(&LOADER_VECTORS);
    p[0x20..0x20 + name.len()].copy_from_slice(name.as_bytes());
    put_le(&mut p, 0x118, 3);
    p[0x120..0x128].copy_from_slice(tag.as_bytes());
    put_le(&mut p, 0x128, 0xa7c0);
    put_le(&mut p, 0x12c, 0x0002_3d4a);
    put_le(&mut p, 0x130, 0x8000_0001);
    put_le(&mut p, 0x134, 0x4b19);
    put_le(&mut p, 0x138, (len - 0x20) as u32);
    put_le(&mut p, 0x13c, 0x008f_9d1f);
    p
}

/// An application payload: ARM part of `arm_len` bytes then a DSP block of `dsp_len` bytes.
pub fn app_payload(name: &str, tag: &str, arm_len: usize, dsp_len: usize) -> Vec<u8> {
    let mut p = vec![0u8; arm_len + dsp_len];
    filler(&mut p, 0x144, 0x5678);
    p[..32].copy_from_slice(&APP_VECTORS);
    p[0x20..0x118].fill(0);
    p[0x20..0x20 + name.len()].copy_from_slice(name.as_bytes());
    put_le(&mut p, 0x118, 3);
    p[0x11c..0x120].fill(0);
    p[0x120..0x128].copy_from_slice(tag.as_bytes());
    put_le(&mut p, 0x128, 0xfd8c);
    put_le(&mut p, 0x12c, arm_len as u32);
    p[0x130..0x144].fill(0);
    let d = arm_len;
    p[d..d + 28].fill(0);
    let dsp = b"DSP4.0(5.0)[A0]";
    p[d..d + dsp.len()].copy_from_slice(dsp);
    put_le(&mut p, d + 0x1c, 0x84e6);
    put_le(&mut p, d + 0x20, dsp_len as u32);
    p
}

pub fn loads_body(loader: &str, app: &str, la: &str) -> Vec<u8> {
    format!("{loader}\n{app}\nLA_VERSION={la}\n").into_bytes()
}

/// The SIP 8.12 set (small payloads): name → bytes.
pub fn sip812_set(loader_len: usize) -> Vec<(String, Vec<u8>)> {
    let bin = loader_payload("P003-8-12-00", "PAS30830", loader_len);
    let sbn = SgnBuilder::cisco("P003-8-12-00.sbn").build(&bin);
    let app = app_payload("P0S3-8-12-00", "PAS3ARM1", 0x200, 0x40);
    let sb2 = SgnBuilder::cisco("P0S3-8-12-00.sb2").build(&app);
    let loads = SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
        "PAS30830",
    ));
    vec![
        ("OS79XX.TXT".into(), b"P003-8-12-00 \r\n".to_vec()),
        ("P003-8-12-00.bin".into(), bin),
        ("P003-8-12-00.sbn".into(), sbn),
        ("P0S3-8-12-00.loads".into(), loads),
        ("P0S3-8-12-00.sb2".into(), sb2),
    ]
}

pub struct KupRegion {
    pub dest: u32,
    pub data: Vec<u8>,
    pub compress: bool,
}

pub fn deflate_raw(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn crc32(data: &[u8]) -> u32 {
    crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(data)
}

/// Build a `kup1` package: raw regions first, then compressed ones (table order), `gap`, table.
pub fn build_kup(
    platform: u32,
    protocol: u16,
    version: u16,
    regions: &[KupRegion],
    gap: &[u8],
    stored_includes_trailer: bool,
) -> Vec<u8> {
    let raw: Vec<&KupRegion> = regions.iter().filter(|r| !r.compress).collect();
    let comp: Vec<&KupRegion> = regions.iter().filter(|r| r.compress).collect();
    let mut body = Vec::new();
    for r in &raw {
        body.extend_from_slice(&r.data);
    }
    let mut comp_entries = Vec::new();
    for r in &comp {
        let mut stored = deflate_raw(&r.data);
        let stream_len = stored.len();
        stored.extend_from_slice(&crc32(&r.data).to_le_bytes());
        stored.extend_from_slice(&(r.data.len() as u32).to_le_bytes());
        let declared = if stored_includes_trailer {
            stored.len()
        } else {
            stream_len
        };
        comp_entries.push((r.dest, r.data.len() as u32, declared as u32));
        body.extend_from_slice(&stored);
    }
    body.extend_from_slice(gap);
    let map_offset = 16 + body.len();
    let mut table = Vec::new();
    table.extend_from_slice(&(raw.len() as u16).to_be_bytes());
    table.extend_from_slice(&(comp.len() as u16).to_be_bytes());
    for r in &raw {
        table.extend_from_slice(&r.dest.to_be_bytes());
        table.extend_from_slice(&(r.data.len() as u32).to_be_bytes());
    }
    for (dest, size, stored) in &comp_entries {
        table.extend_from_slice(&dest.to_be_bytes());
        table.extend_from_slice(&size.to_be_bytes());
        table.extend_from_slice(&stored.to_be_bytes());
    }
    table.extend_from_slice(&2u32.to_be_bytes());
    let inner_len = 16 + body.len() + table.len();
    let mut inner = Vec::with_capacity(inner_len);
    inner.extend_from_slice(b"+kxz");
    inner.extend_from_slice(&[0; 4]);
    inner.extend_from_slice(&(inner_len as u32).to_be_bytes());
    inner.extend_from_slice(&(map_offset as u32).to_be_bytes());
    inner.extend_from_slice(&body);
    inner.extend_from_slice(&table);
    let sum = inner[12..]
        .iter()
        .fold(0u32, |s, &b| s.wrapping_add(b as u32));
    inner[4..8].copy_from_slice(&sum.to_be_bytes());
    let mut out = b"kup1".to_vec();
    out.extend_from_slice(b"00000000");
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&platform.to_be_bytes());
    out.extend_from_slice(&protocol.to_be_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&inner);
    out
}

/// A small 7912-style package: 2 raw + 2 compressed regions, `LD61LDR6` gap.
pub fn small_kup() -> Vec<u8> {
    let regions = vec![
        KupRegion {
            dest: 0x70000,
            data: vec![0x11; 0x40],
            compress: false,
        },
        KupRegion {
            dest: 0x0,
            data: (0..0x30u8).collect(),
            compress: false,
        },
        KupRegion {
            dest: 0x1000,
            data: b"hello hello hello hello kup1".repeat(4),
            compress: true,
        },
        KupRegion {
            dest: 0x2000,
            data: vec![0; 0x100],
            compress: true,
        },
    ];
    build_kup(0x601, 0x400, 0x0800, &regions, b"LD61LDR6", true)
}

pub fn small_sbin() -> Vec<u8> {
    SgnBuilder::cisco("CP7912080000SIP060111A.sbin").build(&small_kup())
}

/// A self-signed test certificate (fixed validity, deterministic key) as DER.
pub fn test_cert_der(key: &RsaPrivateKey, subject: &str, serial: u32) -> Vec<u8> {
    use std::str::FromStr;
    use std::time::Duration;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::Encode;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::{Time, Validity};
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone());
    let validity = Validity {
        not_before: Time::UtcTime(
            x509_cert::der::asn1::UtcTime::from_unix_duration(Duration::from_secs(1_200_000_000))
                .unwrap(),
        ),
        not_after: Time::UtcTime(
            x509_cert::der::asn1::UtcTime::from_unix_duration(Duration::from_secs(1_900_000_000))
                .unwrap(),
        ),
    };
    let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).unwrap();
    let builder = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(serial),
        validity,
        Name::from_str(subject).unwrap(),
        spki,
        &signer,
    )
    .unwrap();
    let cert = builder.build::<rsa::pkcs1v15::Signature>().unwrap();
    cert.to_der().unwrap()
}

pub fn test_cert_pem(key: &RsaPrivateKey, subject: &str, serial: u32) -> String {
    use x509_cert::der::{Decode, EncodePem};
    let der = test_cert_der(key, subject, serial);
    x509_cert::Certificate::from_der(&der)
        .unwrap()
        .to_pem(x509_cert::der::pem::LineEnding::LF)
        .unwrap()
}

/// One trust-list record.
pub fn tlv_record(role: u16, subject: &str, serial: &[u8], cert: &[u8]) -> Vec<u8> {
    let mut fields = Vec::new();
    fields.extend(tlv(2, &cstr("tftp.example")));
    fields.extend(tlv(3, &cstr(subject)));
    fields.extend(tlv(4, &role.to_be_bytes()));
    fields.extend(tlv(5, &cstr(subject)));
    fields.extend(tlv(6, serial));
    fields.extend(tlv(9, cert));
    fields.extend(tlv(11, &sha1::Sha1::digest(cert)));
    let len = (5 + fields.len()) as u16;
    let mut r = tlv(1, &len.to_be_bytes());
    r.extend(fields);
    r
}

/// An ITL signed by the test key: a SAST record (matching the header serial) and a TFTP record.
pub fn small_itl() -> Vec<u8> {
    let key = test_key();
    let cert = test_cert_der(key, "CN=SAST,O=SAST,OU=SAST", 0x42);
    let cert2 = test_cert_der(other_key(), "CN=tftp,O=cfgfmt", 0x43);
    let mut records = tlv_record(0, "CN=SAST,O=SAST,OU=SAST", &[0x42], &cert);
    records.extend(tlv_record(3, "CN=tftp,O=cfgfmt", &[0x43], &cert2));
    let mut b = SgnBuilder::certutils("ITLFile.tlv", 1);
    b.version = (1, 2);
    b.signer_version = Some((1, 0));
    b.signer = "CN=SAST,O=SAST,OU=SAST".into();
    b.issuer = "CN=SAST,O=SAST,OU=SAST".into();
    b.serial = vec![0x42];
    b.build_signed(&records, key)
}

/// A zip of `files`, stored (no compression) or deflated.
pub fn zip_of(files: &[(String, Vec<u8>)], prefix: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, data) in files {
        w.start_file(format!("{prefix}{name}"), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}
