//! Where the server's files come from: the [`FileSource`] trait, a folder ([`StaticRoot`],
//! streamed, never a byte outside it), files held in memory ([`MemorySource`], for what the
//! inventory renders) and the two stacked ([`Layered`]).
use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file being served: read block by block at any offset (a retransmission re-reads).
pub trait Content: Send + Sync {
    fn size(&self) -> u64;
    /// Fills `buf` from `offset`; fewer bytes only at the end of the file.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl Content for File {
    fn size(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            let Some(rest) = buf.get_mut(done..) else {
                break;
            };
            let n = FileExt::read_at(self, rest, offset + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
}

/// Bytes in memory (a rendered file).
pub struct Bytes(pub Arc<[u8]>);

impl Content for Bytes {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.0.len());
        let src = self.0.get(start..).unwrap_or_default();
        let n = src.len().min(buf.len());
        if let (Some(d), Some(s)) = (buf.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
        Ok(n)
    }
}

/// Where a served file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A file of the folder.
    Root,
    /// Rendered from the inventory.
    Rendered,
}

/// A file opened for a request.
pub struct Opened {
    pub content: Box<dyn Content>,
    /// The name it was found under (differs from the request when case-folded).
    pub served_as: String,
    pub origin: Origin,
}

/// Why a request gets no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing under that name; `other_case` is a file that differs only in case (served
    /// instead with `--fold-case`).
    NotFound { other_case: Option<String> },
    /// A name or a file the server never serves (TFTP error 2), and why.
    Denied(String),
    /// The file exists but could not be read.
    Unreadable(String),
}

pub trait FileSource: Send + Sync {
    fn open(&self, name: &str) -> Result<Opened, Refusal>;
}

/// Checks a requested name before any file system call: a relative path of plain
/// components. Refuses absolute paths, `..` and `.`, empty components, backslashes,
/// control characters, bytes that were not UTF-8, and percent-encoded separators or dots
/// (`%2f`, `%5c`, `%2e`) that a later layer might decode.
pub fn check_name(name: &str) -> Result<(), Refusal> {
    let deny = |why: &str| Err(Refusal::Denied(why.to_string()));
    if name.starts_with('/') {
        return deny("absolute path");
    }
    if name.contains('\\') {
        return deny("backslash in the name");
    }
    if name.chars().any(|c| c.is_control() || c == '\u{fffd}') {
        return deny("control character or invalid UTF-8 in the name");
    }
    let lower = name.to_ascii_lowercase();
    for enc in ["%2f", "%5c", "%2e", "%00"] {
        if lower.contains(enc) {
            return deny("percent-encoded separator or dot");
        }
    }
    for part in name.split('/') {
        match part {
            "" => return deny("empty path component"),
            "." | ".." => return deny("`.` or `..` in the path"),
            _ => {}
        }
    }
    Ok(())
}

/// A folder served read-only. On Linux every open is `openat2` beneath the folder's handle
/// (`RESOLVE_BENEATH`: a symlink may point anywhere inside, never outside; no magic links),
/// non-blocking (a FIFO cannot hang the server) and then checked to be a regular file.
pub struct StaticRoot {
    root: PathBuf,
    dir: File,
    /// Serve a file asked for in another case under its name in the folder.
    pub fold_case: bool,
}

/// Names compared when looking for another case, at most.
const MAX_CASE_SCAN: usize = 20_000;

impl StaticRoot {
    pub fn new(root: &Path, fold_case: bool) -> io::Result<StaticRoot> {
        let dir = File::open(root)?;
        if !dir.metadata()?.is_dir() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a folder"));
        }
        Ok(StaticRoot {
            root: root.to_path_buf(),
            dir,
            fold_case,
        })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// A file of the same folder whose name differs from `name` only in case.
    fn other_case(&self, name: &str) -> Option<String> {
        let (parent, base) = match name.rsplit_once('/') {
            Some((p, b)) => (self.root.join(p), b),
            None => (self.root.clone(), name),
        };
        let prefix = name.rsplit_once('/').map(|(p, _)| format!("{p}/"));
        std::fs::read_dir(parent)
            .ok()?
            .take(MAX_CASE_SCAN)
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|f| f != base && f.eq_ignore_ascii_case(base))
            .map(|f| format!("{}{f}", prefix.as_deref().unwrap_or("")))
    }

    fn open_exact(&self, name: &str) -> Result<File, Refusal> {
        let file = open_beneath(&self.dir, &self.root, name)?;
        let meta = file
            .metadata()
            .map_err(|e| Refusal::Unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(Refusal::Denied(if meta.is_dir() {
                "a folder".into()
            } else {
                "not a regular file (device, FIFO or socket)".into()
            }));
        }
        Ok(file)
    }
}

fn io_refusal(e: &io::Error) -> Refusal {
    match e.kind() {
        io::ErrorKind::NotFound => Refusal::NotFound { other_case: None },
        io::ErrorKind::PermissionDenied => Refusal::Denied("permission denied".into()),
        _ => match e.raw_os_error() {
            // EXDEV: the path leaves the folder (RESOLVE_BENEATH); ELOOP: a symlink loop.
            Some(18) => Refusal::Denied("leaves the served folder".into()),
            Some(40) => Refusal::Denied("symlink loop".into()),
            Some(20) => Refusal::NotFound { other_case: None },
            _ => Refusal::Unreadable(e.to_string()),
        },
    }
}

#[cfg(target_os = "linux")]
fn open_beneath(dir: &File, root: &Path, name: &str) -> Result<File, Refusal> {
    use rustix::fs::{Mode, OFlags, ResolveFlags, openat2};
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
    match openat2(
        dir,
        name,
        flags,
        Mode::empty(),
        ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
    ) {
        Ok(fd) => Ok(File::from(fd)),
        // Kernels before 5.6: resolve, check, then open without following a last symlink.
        Err(rustix::io::Errno::NOSYS) => open_checked(root, name),
        Err(e) => Err(io_refusal(&io::Error::from(e))),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_beneath(_dir: &File, root: &Path, name: &str) -> Result<File, Refusal> {
    open_checked(root, name)
}

fn open_checked(root: &Path, name: &str) -> Result<File, Refusal> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let root = root.canonicalize().map_err(|e| io_refusal(&e))?;
    let real = root.join(name).canonicalize().map_err(|e| io_refusal(&e))?;
    if !real.starts_with(&root) {
        return Err(Refusal::Denied("leaves the served folder".into()));
    }
    // O_NOFOLLOW | O_NONBLOCK (Linux values; other systems use the canonical path only).
    let flags = if cfg!(target_os = "linux") {
        0o400_000 | 0o4000
    } else {
        0
    };
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(&real)
        .map_err(|e| io_refusal(&e))
}

impl FileSource for StaticRoot {
    fn open(&self, name: &str) -> Result<Opened, Refusal> {
        check_name(name)?;
        match self.open_exact(name) {
            Ok(f) => Ok(Opened {
                content: Box::new(f),
                served_as: name.to_string(),
                origin: Origin::Root,
            }),
            Err(Refusal::NotFound { .. }) => {
                let other = self.other_case(name);
                match other {
                    Some(o) if self.fold_case => Ok(Opened {
                        content: Box::new(self.open_exact(&o)?),
                        served_as: o,
                        origin: Origin::Root,
                    }),
                    other_case => Err(Refusal::NotFound { other_case }),
                }
            }
            Err(e) => Err(e),
        }
    }
}

/// Files held in memory, by name (what the inventory renders).
#[derive(Default)]
pub struct MemorySource {
    files: BTreeMap<String, Arc<[u8]>>,
    /// Lower-case name → name, for `--fold-case`.
    folded: BTreeMap<String, String>,
    pub fold_case: bool,
}

impl MemorySource {
    pub fn new(fold_case: bool) -> MemorySource {
        MemorySource {
            fold_case,
            ..MemorySource::default()
        }
    }
    pub fn insert(&mut self, name: &str, bytes: Vec<u8>) {
        self.folded
            .insert(name.to_ascii_lowercase(), name.to_string());
        self.files.insert(name.to_string(), bytes.into());
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

impl FileSource for MemorySource {
    fn open(&self, name: &str) -> Result<Opened, Refusal> {
        check_name(name)?;
        let hit = |n: &str| {
            self.files.get(n).map(|b| Opened {
                content: Box::new(Bytes(Arc::clone(b))),
                served_as: n.to_string(),
                origin: Origin::Rendered,
            })
        };
        if let Some(o) = hit(name) {
            return Ok(o);
        }
        let other = self.folded.get(&name.to_ascii_lowercase()).cloned();
        match other {
            Some(o) if self.fold_case => hit(&o).ok_or(Refusal::NotFound { other_case: None }),
            other_case => Err(Refusal::NotFound { other_case }),
        }
    }
}

impl MemorySource {
    /// Every file an inventory renders, as `provision --apply` would write them.
    #[cfg(feature = "batch")]
    pub fn from_rendered(rendered: &crate::provision::Rendered, fold_case: bool) -> MemorySource {
        let mut m = MemorySource::new(fold_case);
        for f in rendered.files() {
            m.insert(&f.name, f.bytes.clone());
        }
        m
    }
}

/// `first`, then `then` for what `first` does not have.
pub struct Layered<A, B> {
    pub first: A,
    pub then: B,
}

impl<A: FileSource, B: FileSource> FileSource for Layered<A, B> {
    fn open(&self, name: &str) -> Result<Opened, Refusal> {
        match self.first.open(name) {
            Err(Refusal::NotFound { other_case }) => match self.then.open(name) {
                Err(Refusal::NotFound { other_case: o2 }) => Err(Refusal::NotFound {
                    other_case: other_case.or(o2),
                }),
                r => r,
            },
            r => r,
        }
    }
}

/// A source that can be replaced while the server runs (the binary reloads the inventory on
/// SIGHUP); transfers already running keep the file they opened.
pub struct Swappable(std::sync::RwLock<Arc<dyn FileSource>>);

impl Swappable {
    pub fn new(source: Arc<dyn FileSource>) -> Swappable {
        Swappable(std::sync::RwLock::new(source))
    }
    pub fn swap(&self, source: Arc<dyn FileSource>) {
        if let Ok(mut s) = self.0.write() {
            *s = source;
        }
    }
}

impl FileSource for Swappable {
    fn open(&self, name: &str) -> Result<Opened, Refusal> {
        let current = self
            .0
            .read()
            .map(|s| Arc::clone(&s))
            .map_err(|_| Refusal::Unreadable("source lock poisoned".into()))?;
        current.open(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(o: &Opened) -> Vec<u8> {
        let mut v = vec![0; usize::try_from(o.content.size()).unwrap()];
        let n = o.content.read_at(&mut v, 0).unwrap();
        v.truncate(n);
        v
    }

    #[test]
    fn names_refused_before_any_file_system_call() {
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "..",
            ".",
            "a\\b",
            "..\\x",
            "%2e%2e/x",
            "..%2Fx",
            "a%5cb",
            "a\u{fffd}",
            "a\nb",
            "x%00",
        ] {
            assert!(matches!(check_name(bad), Err(Refusal::Denied(_))), "{bad}");
        }
        for good in [
            "SIPDefault.cnf",
            "rings/ring1.raw",
            "P0S3-08-12-00.sb2",
            "a..b",
            "100%.txt",
        ] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn static_root_serves_inside_and_refuses_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"no").unwrap();
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::write(r.join("OS79XX.TXT"), b"P0S3-08-12-00\n").unwrap();
        std::fs::create_dir(r.join("sub")).unwrap();
        std::fs::write(r.join("sub/f"), b"in sub").unwrap();
        std::os::unix::fs::symlink("OS79XX.TXT", r.join("inside-link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), r.join("out-link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), r.join("out-dir")).unwrap();
        std::os::unix::fs::symlink("sub/../../", r.join("up-link")).unwrap();
        let root = StaticRoot::new(r, false).unwrap();
        assert_eq!(
            read_all(&root.open("OS79XX.TXT").unwrap()),
            b"P0S3-08-12-00\n"
        );
        assert_eq!(read_all(&root.open("sub/f").unwrap()), b"in sub");
        assert_eq!(
            read_all(&root.open("inside-link").unwrap()),
            b"P0S3-08-12-00\n"
        );
        for bad in ["out-link", "out-dir/secret", "up-link/etc/passwd", "sub"] {
            assert!(
                matches!(root.open(bad), Err(Refusal::Denied(_))),
                "{bad}: {:?}",
                root.open(bad).err()
            );
        }
        assert_eq!(
            root.open("os79xx.txt").err(),
            Some(Refusal::NotFound {
                other_case: Some("OS79XX.TXT".into())
            })
        );
        assert_eq!(
            root.open("nope").err(),
            Some(Refusal::NotFound { other_case: None })
        );
        let folded = StaticRoot::new(r, true).unwrap();
        let o = folded.open("os79xx.txt").unwrap();
        assert_eq!(o.served_as, "OS79XX.TXT");
        assert_eq!(read_all(&o), b"P0S3-08-12-00\n");
    }

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        std::os::unix::fs::symlink("/dev/zero", d.path().join("zero")).unwrap();
        let root = StaticRoot::new(d.path(), false).unwrap();
        if made {
            assert!(matches!(root.open("fifo"), Err(Refusal::Denied(_))));
        } else {
            println!("SKIP: mkfifo not available");
        }
        // Outside the folder anyway; a device inside would fail the regular-file check.
        assert!(matches!(root.open("zero"), Err(Refusal::Denied(_))));
    }

    #[test]
    fn memory_over_folder() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("SIPDefault.cnf"), b"disk").unwrap();
        std::fs::write(d.path().join("image.bin"), b"img").unwrap();
        let mut m = MemorySource::new(false);
        m.insert("SIPDefault.cnf", b"rendered".to_vec());
        let l = Layered {
            first: m,
            then: StaticRoot::new(d.path(), false).unwrap(),
        };
        let o = l.open("SIPDefault.cnf").unwrap();
        assert_eq!(
            (read_all(&o), o.origin),
            (b"rendered".to_vec(), Origin::Rendered)
        );
        let o = l.open("image.bin").unwrap();
        assert_eq!(o.served_as, "image.bin");
        assert_eq!((read_all(&o), o.origin), (b"img".to_vec(), Origin::Root));
        assert_eq!(
            l.open("sipdefault.cnf").err(),
            Some(Refusal::NotFound {
                other_case: Some("SIPDefault.cnf".into())
            })
        );
        let b = Bytes(Arc::from(&b"abcdef"[..]));
        let mut buf = [0u8; 4];
        assert_eq!(
            (b.read_at(&mut buf, 4).unwrap(), &buf[..2]),
            (2, &b"ef"[..])
        );
        assert_eq!(b.read_at(&mut buf, 99).unwrap(), 0);
    }

    #[cfg(feature = "batch")]
    #[test]
    fn rendered_inventory_is_served_byte_for_byte() {
        let csv = b"mac,model,protocol,number,password,proxy\n0014f28dd38a,7960,sip,2001,secret,pbx.example.com\n";
        let inv = crate::provision::Inventory::parse(csv, "inventory.csv").unwrap();
        let rendered = inv.render().unwrap();
        let m = MemorySource::from_rendered(&rendered, true);
        assert_eq!(m.len(), rendered.len());
        for f in rendered.files() {
            assert_eq!(read_all(&m.open(&f.name).unwrap()), f.bytes, "{}", f.name);
        }
        let o = m.open("sip0014f28dd38a.cnf").unwrap();
        assert_eq!(o.served_as, "SIP0014F28DD38A.cnf");
    }

    #[test]
    fn swapped_source_answers_from_then_on() {
        let mut a = MemorySource::new(false);
        a.insert("SIPDefault.cnf", b"old".to_vec());
        let s = Swappable::new(Arc::new(a));
        let before = s.open("SIPDefault.cnf").unwrap();
        let mut b = MemorySource::new(false);
        b.insert("SIPDefault.cnf", b"new".to_vec());
        s.swap(Arc::new(b));
        assert_eq!(read_all(&s.open("SIPDefault.cnf").unwrap()), b"new");
        // What was opened before keeps its bytes.
        assert_eq!(read_all(&before), b"old");
    }
}
