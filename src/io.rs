//! Files in and out. Outputs are written atomically: a temporary file in the same folder,
//! then a rename, so a reader (a phone's TFTP server) never sees half a profile and a
//! failure leaves the old file as it was. Inputs are read through one bounded reader
//! ([`read_bounded`], [`Bounded`]) that stops at the limit for its kind of input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Error, Result};

/// Every temporary name this crate makes starts so: `.cfgfmt-<pid>-<6 random characters>`
/// (hidden, and naming the process that made it, so that [`remove_leftovers`] can tell a
/// killed run's litter from a running one's files).
pub const TEMP_PREFIX: &str = ".cfgfmt-";

fn temp_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// The process id in a temporary name of ours, if `name` is one.
fn leftover_pid(name: &str) -> Option<u32> {
    let (pid, random) = name.strip_prefix(TEMP_PREFIX)?.split_once('-')?;
    let ours = random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric());
    let n: u32 = pid.parse().ok()?;
    // Digits as `process::id` writes them: no sign, no leading zero.
    (ours && n > 0 && n.to_string() == pid).then_some(n)
}

/// Removes what killed runs of this program left in `dir` (a `kill -9`, a power cut: no
/// handler ran): temporary files and staging folders named `.cfgfmt-<pid>-XXXXXX` whose
/// process no longer runs and which belong to the user running this one. Anything else —
/// a running process's files, another user's, names not of this form, symlinks — is left
/// alone. Returns how many entries were removed. On systems without `/proc` nothing is
/// removed (no safe way to tell a dead run from a live one).
pub fn remove_leftovers(dir: &Path) -> usize {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(me) = std::fs::metadata("/proc/self") else {
            return 0;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        // Names first, removals after: what a directory read returns while entries are
        // being unlinked is unspecified.
        let ours: Vec<std::fs::DirEntry> = entries
            .flatten()
            .filter(|e| e.file_name().to_str().and_then(leftover_pid).is_some())
            .collect();
        let mut removed = 0;
        for e in ours {
            let name = e.file_name();
            let Some(pid) = name.to_str().and_then(leftover_pid) else {
                continue;
            };
            if pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists() {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(e.path()) else {
                continue;
            };
            if meta.uid() != me.uid() {
                continue;
            }
            let gone = if meta.is_file() {
                std::fs::remove_file(e.path())
            } else if meta.is_dir() {
                std::fs::remove_dir_all(e.path())
            } else {
                continue;
            };
            removed += usize::from(gone.is_ok());
        }
        removed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        0
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Who may read a file we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// As a plain `fopen` made it (0666 less the umask): a TFTP server must read profiles.
    Shared,
    /// Owner only (0600): decoded text holds passwords in clear.
    Private,
}

/// Whether outputs are flushed to the disk before the call returns.
///
/// Every output is written to a temporary file and renamed into place, whatever the
/// choice: a reader (a phone's TFTP server) never sees half a profile, and a failure leaves
/// the old file as it was. `Rename` stops there, as the original tool (which never flushed)
/// did: the kernel writes the data back within seconds, and ext4, XFS and btrfs flush a
/// file's data before a rename that replaces it. `Flush` also waits for the disk (`fsync`
/// of each file, then of its folder): for when the power may fail right after the command,
/// at a cost measured at 8–10 ms per file on a busy disk (docs/performance.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    #[default]
    Rename,
    Flush,
}

/// Writes several files; none is replaced unless every one could be staged first. The
/// first file is the main one: it is renamed last, so it never points at companions
/// (`.ex`, `.x`) that failed to arrive.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> Result<()> {
    write_files(files, Access::Shared, Durability::default())
}

/// [`write_all_atomic`] with a choice of durability.
pub fn write_all_atomic_with(files: &[(PathBuf, &[u8])], durability: Durability) -> Result<()> {
    write_files(files, Access::Shared, durability)
}

/// Writes one file atomically, readable by its owner only (for text that holds secrets).
pub fn write_private_atomic(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    write_files(&[(path.to_path_buf(), bytes)], Access::Private, durability)
}

fn write_files(files: &[(PathBuf, &[u8])], access: Access, durability: Durability) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let file = Staged::create(path, bytes, access)?;
        if durability == Durability::Flush {
            file.sync()?;
        }
        staged.push(file);
    }
    let folders: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| folder_of(p).to_path_buf())
        .collect();
    staged.into_iter().rev().try_for_each(Staged::commit)?;
    if durability == Durability::Flush {
        // The renames themselves become durable with their folder.
        for folder in folders {
            if let Ok(dir) = std::fs::File::open(&folder) {
                let _ = dir.sync_all();
            }
        }
    }
    Ok(())
}

/// A temporary file beside `path` with the access asked for; a shared file that replaces
/// another keeps the replaced file's mode.
fn temp_beside(path: &Path, access: Access) -> Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    let prefix = temp_prefix();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if access == Access::Shared {
            0o666
        } else {
            0o600
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    if access == Access::Private {
        return builder
            .tempfile_in(folder_of(path))
            .map_err(write_err(path));
    }
    let tmp = builder
        .tempfile_in(folder_of(path))
        .map_err(write_err(path))?;
    if let Ok(existing) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), existing.permissions()).map_err(write_err(path))?;
    }
    Ok(tmp)
}

/// A file written next to its destination but not yet renamed into place. Dropping it
/// removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::TempPath,
    path: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file beside `path` without syncing it: the caller
    /// makes the data durable before [`Staged::commit`], one sync for many files.
    pub fn new(path: &Path, bytes: &[u8]) -> Result<Staged> {
        Staged::create(path, bytes, Access::Shared)
    }

    fn create(path: &Path, bytes: &[u8], access: Access) -> Result<Staged> {
        let mut tmp = temp_beside(path, access)?;
        tmp.write_all(bytes).map_err(write_err(path))?;
        Ok(Staged {
            tmp: tmp.into_temp_path(),
            path: path.to_path_buf(),
        })
    }

    /// Flushes this file's data to the disk.
    pub fn sync(&self) -> Result<()> {
        std::fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(write_err(&self.path))
    }

    /// Renames the file into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| Error::Write {
            path: path.clone(),
            source: e.error,
        })
    }
}

/// Makes staged files durable before they are committed. On Linux one `syncfs` of the
/// file system holding `dir` (where they all are) replaces one `fsync` per file: for
/// 10,000 small files that is one journal flush instead of 10,000.
pub fn sync_staged<'a>(dir: &Path, staged: impl Iterator<Item = &'a Staged>) -> Result<()> {
    let mut staged = staged.peekable();
    if staged.peek().is_none() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        syncfs(dir).map_err(write_err(dir))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        staged.try_for_each(Staged::sync)
    }
}

/// A folder that does not exist yet, filled out of sight and renamed into place in one step.
///
/// The files are written with a plain exclusive create into a staging folder inside a
/// hidden helper folder beside the destination (same parent, so the same file system), then
/// the staging folder is renamed to the destination. A reader never sees the destination
/// half filled, no file needs a temporary name and a rename of its own, and if anything
/// fails (or the value is dropped) the helper folder and all it holds are removed, leaving no
/// destination at all.
///
/// On ext4 the helper is marked as a top of a directory hierarchy (`chattr +T`), so the
/// staging folder is placed like a folder made at the root of the file system: in a block
/// group of its own rather than the parent's. Without a journal, ext4 skips inodes freed in
/// the last seconds (minutes, while their table block is unwritten) and rescans them on
/// every create; in the parent's group, just after `rm -rf` of a previous run's 10,000
/// files, that took creates from 20 µs to 400 µs each (docs/performance.md). Elsewhere the
/// mark is refused and ignored.
#[derive(Debug)]
pub struct NewFolder {
    helper: tempfile::TempDir,
    stage: PathBuf,
    dest: PathBuf,
}

impl NewFolder {
    /// Prepares `dest`, which must not exist; its parent is created if missing.
    pub fn create(dest: &Path) -> Result<NewFolder> {
        let parent = folder_of(dest);
        std::fs::create_dir_all(parent).map_err(write_err(dest))?;
        let helper = tempfile::Builder::new()
            .prefix(&temp_prefix())
            .tempdir_in(parent)
            .map_err(write_err(dest))?;
        #[cfg(target_os = "linux")]
        if let Ok(dir) = std::fs::File::open(helper.path()) {
            use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
            if let Ok(flags) = ioctl_getflags(&dir) {
                let _ = ioctl_setflags(&dir, flags | IFlags::TOPDIR);
            }
        }
        // A name of its own each run: ext4 picks a top folder's group from its name.
        let mut stage = None;
        for _ in 0..16 {
            let mut id = [0u8; 8];
            getrandom::fill(&mut id).map_err(|e| Error::Write {
                path: dest.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })?;
            let path = helper.path().join(hex::encode(id));
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    stage = Some(path);
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(write_err(dest)(e)),
            }
        }
        let stage = stage.ok_or_else(|| {
            write_err(dest)(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
        })?;
        Ok(NewFolder {
            helper,
            stage,
            dest: dest.to_path_buf(),
        })
    }

    /// Where the files go until [`NewFolder::commit`].
    pub fn stage(&self) -> &Path {
        &self.stage
    }

    /// Writes `name` into the staging folder: a new file, as a plain `fopen` makes it
    /// (0666 less the umask). A file that cannot be written whole is removed. Errors name
    /// the file's final path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.stage.join(name);
        let dest = self.dest.join(name);
        let mut file = std::fs::File::create_new(&path).map_err(write_err(&dest))?;
        if let Err(e) = file.write_all(bytes) {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(write_err(&dest)(e));
        }
        Ok(())
    }

    /// Removes a file written by [`NewFolder::write`] (a device whose other file failed).
    pub fn discard(&self, name: &str) {
        let _ = std::fs::remove_file(self.stage.join(name));
    }

    /// Renames the staging folder to its destination, unless something now exists there;
    /// with [`Durability::Flush`] the files are made durable first and the rename after.
    /// A failure up to the rename leaves nothing behind. After it the files are in place:
    /// removing the emptied helper folder is then best effort, and a failure to flush the
    /// parent folder (the rename's durability) is reported with the files in place.
    pub fn commit(self, durability: Durability) -> Result<()> {
        let err = write_err(&self.dest);
        if durability == Durability::Flush {
            sync_folder_data(&self.stage).map_err(&err)?;
        }
        rename_noreplace(&self.stage, &self.dest).map_err(|source| Error::MoveIn {
            path: self.dest.clone(),
            source,
        })?;
        let flushed = match durability {
            Durability::Flush => {
                std::fs::File::open(folder_of(&self.dest)).and_then(|d| d.sync_all())
            }
            Durability::Rename => Ok(()),
        };
        let _ = self.helper.close();
        flushed.map_err(&err)
    }
}

/// Makes every file in `dir` durable: on Linux one `syncfs` of its file system.
fn sync_folder_data(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        syncfs(dir)
    }
    #[cfg(not(target_os = "linux"))]
    {
        for entry in std::fs::read_dir(dir)? {
            std::fs::File::open(entry?.path())?.sync_all()?;
        }
        std::fs::File::open(dir)?.sync_all()
    }
}

/// Waits until everything written to the file system holding `dir` is on the disk: one
/// `syncfs` on Linux, else a flush of the folder itself.
pub fn flush_file_system(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        syncfs(dir)
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::fs::File::open(dir)?.sync_all()
    }
}

/// Flushes the whole file system holding `dir` (one call for any number of files).
#[cfg(target_os = "linux")]
fn syncfs(dir: &Path) -> std::io::Result<()> {
    let folder = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&folder).map_err(std::io::Error::from)
}

/// Renames `from` to `to`, failing if `to` exists (even as an empty folder).
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            // File systems without RENAME_NOREPLACE: check, then rename.
            Err(e) if e != rustix::io::Errno::INVAL && e != rustix::io::Errno::NOSYS => {
                return Err(e.into());
            }
            Err(_) => {}
        }
    }
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    std::fs::rename(from, to)
}

/// Writes one file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomic(&[(path.to_path_buf(), bytes)])
}

// ---------------------------------------------------------------------------------------
// Reading untrusted input: one bounded reader for files, devices, FIFOs and stdin.
// ---------------------------------------------------------------------------------------

/// The most a kind of input may hold, and what the input is said not to be past it
/// (docs/robustness.md lists them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    /// Finishes `more than 64 MiB; …`: what an input this large cannot be.
    pub verdict: &'static str,
}

impl Limit {
    /// A text profile, and each file it includes.
    pub const TEXT_PROFILE: Limit =
        Limit::new(crate::text::MAX_PROFILE_BYTES as u64, "not a text profile");
    /// The input of `compile`/`decode` (and the original command line), text or binary:
    /// the original's bound. A regular file above it gets the original's `bad input size`.
    pub const PROFILE: Limit =
        Limit::new(crate::profile::decode::MAX_INPUT as u64, "not a profile");
    pub const TAG_TABLE: Limit =
        Limit::new(crate::table::MAX_TABLE_BYTES as u64, "not a tag table");
    /// Any file `inspect`, `dump`, `strip`, `extract` and `upgradecode` read.
    pub const FIRMWARE: Limit = Limit::new(64 << 20, "not a firmware file");
    pub const DEVICES: Limit = Limit::new(64 << 20, "not a devices file");
    pub const LOG: Limit = Limit::new(256 << 20, "not a TFTP log");
    /// A PEM certificate or public key (`inspect --cert`).
    pub const CERTIFICATE: Limit = Limit::new(1 << 20, "not a certificate");
    /// `--key-file`, `--xkey-file`: one line of hex.
    pub const KEY: Limit = Limit::new(4096, "not a key file");
    /// `OS79XX.TXT`: one load name.
    pub const OS79XX: Limit = Limit::new(64 << 10, "not an OS79XX.TXT");
    /// A phone configuration file (`.cnf`, `.cnf.xml`) that `lint` and `doctor` read.
    pub const CONFIG: Limit = Limit::new(1 << 20, "not a phone configuration file");
    /// A file in a TFTP root that `provision` compares with what it renders, or keeps in
    /// its journal to put back.
    pub const ROOT_FILE: Limit = Limit::new(64 << 20, "not a file provision writes");

    pub const fn new(bytes: u64, verdict: &'static str) -> Limit {
        Limit { bytes, verdict }
    }

    /// The same words with a lower bound (a folder's own budget).
    pub fn at_most(self, bytes: u64) -> Limit {
        Limit {
            bytes: self.bytes.min(bytes),
            ..self
        }
    }
}

/// `64 MiB`, `4 KiB`, `120000 bytes`: a limit as people write it.
pub fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// An input stopped at its limit: `/dev/zero: more than 64 MiB; not a firmware file`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {}more than {}; {}", .size.map(|s| format!("{s} bytes, ")).unwrap_or_default(), size_text(.limit.bytes), .limit.verdict)]
pub struct TooLarge {
    /// The input as the user named it (`<stdin>` for standard input).
    pub name: String,
    /// The size of a regular file, refused before reading; `None` when the read stopped
    /// at the limit (devices, FIFOs, stdin, a file that grew).
    pub size: Option<u64>,
    pub limit: Limit,
}

impl TooLarge {
    /// The message without the input's name, for a caller that names it already.
    pub fn reason(&self) -> String {
        let full = self.to_string();
        full.strip_prefix(&format!("{}: ", self.name))
            .unwrap_or(&full)
            .to_string()
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{name}: {source}")]
    Io {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

impl ReadError {
    /// The error of a read from `name`; a [`TooLarge`] that a [`Bounded`] reader put inside
    /// an I/O error comes out again.
    pub fn from_io(name: &str, source: std::io::Error) -> ReadError {
        ReadError::io(name, source)
    }

    fn io(name: &str, source: std::io::Error) -> ReadError {
        // A limit met while reading in chunks travels inside the I/O error.
        match source.get_ref().and_then(|e| e.downcast_ref::<TooLarge>()) {
            Some(t) => ReadError::TooLarge(t.clone()),
            None => ReadError::Io {
                name: name.to_string(),
                source,
            },
        }
    }
}

/// An open input that yields at most its limit: reading past it fails with [`TooLarge`]
/// (inside an [`std::io::Error`] of kind `FileTooLarge`; [`ReadError`] takes it out
/// again). It never trusts the size a file reports: a device, a FIFO, stdin or a file
/// that grows is stopped by counting, one byte past the limit.
#[derive(Debug)]
pub struct Bounded<R> {
    inner: std::io::Take<R>,
    name: String,
    limit: Limit,
    /// The size of a regular file when it was opened, to size buffers (never to bound).
    hint: Option<u64>,
}

/// Opens `path` for a bounded read. A regular file already larger than the limit is
/// refused here, before any of it is read.
pub fn open_bounded(
    path: &Path,
    limit: Limit,
) -> std::result::Result<Bounded<std::fs::File>, ReadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| ReadError::io(&name, e))?;
    let hint = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if let Some(size) = hint.filter(|&s| s > limit.bytes) {
        return Err(TooLarge {
            name,
            size: Some(size),
            limit,
        }
        .into());
    }
    Ok(Bounded::with_hint(file, name, limit, hint))
}

impl<R: std::io::Read> Bounded<R> {
    /// Wraps any reader (stdin, a socket) named `name` in messages.
    pub fn new(reader: R, name: impl Into<String>, limit: Limit) -> Bounded<R> {
        Bounded::with_hint(reader, name.into(), limit, None)
    }

    fn with_hint(reader: R, name: String, limit: Limit, hint: Option<u64>) -> Bounded<R> {
        Bounded {
            // One byte past the limit tells "exactly the limit" from "more".
            inner: reader.take(limit.bytes.saturating_add(1)),
            name,
            limit,
            hint,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The size the file reported when opened, if it is a regular file.
    pub fn size_hint(&self) -> Option<u64> {
        self.hint
    }

    fn too_large(&self) -> TooLarge {
        TooLarge {
            name: self.name.clone(),
            size: None,
            limit: self.limit,
        }
    }

    /// The whole input, or why not. The buffer grows by doubling up to the limit, so an
    /// endless input costs the limit and no more.
    pub fn read_all(&mut self) -> std::result::Result<Vec<u8>, ReadError> {
        self.read_rest(Vec::new())
    }

    /// At most `n` bytes from where the input stands: fewer only at its end.
    pub fn read_head(&mut self, n: usize) -> std::result::Result<Vec<u8>, ReadError> {
        let mut head = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut self.inner, n as u64),
            &mut head,
        )
        .map_err(|e| ReadError::io(&self.name, e))?;
        Ok(head)
    }

    /// `buf`, what was read of the input so far ([`Bounded::read_head`]), with the rest of
    /// the input after it.
    pub fn read_rest(&mut self, mut buf: Vec<u8>) -> std::result::Result<Vec<u8>, ReadError> {
        let cap = self.limit.bytes.saturating_add(1);
        // A regular file: its size (and the byte that tells "more") in one allocation.
        let mut room = self.hint.map_or(8 << 10, |s| s.saturating_add(1));
        loop {
            if buf.len() as u64 > self.limit.bytes {
                return Err(self.too_large().into());
            }
            room = room.max(buf.len() as u64 + 1).min(cap);
            let want = usize::try_from(room).unwrap_or(usize::MAX);
            buf.try_reserve_exact(want.saturating_sub(buf.len()))
                .map_err(|e| ReadError::io(&self.name, std::io::Error::other(e)))?;
            let step = room.saturating_sub(buf.len() as u64);
            let got = std::io::Read::read_to_end(
                &mut std::io::Read::take(&mut self.inner, step),
                &mut buf,
            )
            .map_err(|e| ReadError::io(&self.name, e))?;
            if buf.len() as u64 > self.limit.bytes {
                return Err(self.too_large().into());
            }
            if (got as u64) < step {
                return Ok(buf);
            }
            room = room.saturating_mul(2);
        }
    }
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.inner.limit() == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                self.too_large(),
            ));
        }
        let n = self.inner.read(buf)?;
        if self.inner.limit() == 0 {
            // The byte past the limit was read: the input is too large.
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                self.too_large(),
            ));
        }
        Ok(n)
    }
}

/// Reads the whole of `path`, at most `limit` bytes of it (see [`Bounded`]).
pub fn read_bounded(path: &Path, limit: Limit) -> std::result::Result<Vec<u8>, ReadError> {
    open_bounded(path, limit)?.read_all()
}

/// Reads the whole of `reader` (stdin, for one), at most `limit` bytes of it.
pub fn read_bounded_from(
    name: &str,
    reader: impl std::io::Read,
    limit: Limit,
) -> std::result::Result<Vec<u8>, ReadError> {
    Bounded::new(reader, name, limit).read_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, b"old").unwrap();
        write_all_atomic(&[(a.clone(), b"new"), (dir.path().join("b"), b"bee")]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, b"old").unwrap();
        let staged = Staged::new(&a, b"new").unwrap();
        let dropped = Staged::new(&dir.path().join("b"), b"bee").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        sync_staged(dir.path(), [&staged, &dropped].into_iter()).unwrap();
        staged.commit().unwrap();
        drop(dropped);
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a"]);
    }

    /// A TFTP server runs as another user: profiles must be readable like any file the
    /// original tool wrote, and a replaced file keeps its mode.
    #[cfg(unix)]
    #[test]
    fn modes_are_those_of_a_plain_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new");
        write_atomic(&new, b"x").unwrap();
        let mode = std::fs::metadata(&new).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o444, 0o444, "{mode:o}");
        let kept = dir.path().join("kept");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&kept, b"new").unwrap();
        assert_eq!(
            std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_for_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("decoded.txt");
        write_private_atomic(&text, b"#txt\nPWD0:secret\n", Durability::Flush).unwrap();
        assert_eq!(
            std::fs::metadata(&text).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn new_folder_appears_whole_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("deep/out");
        let folder = NewFolder::create(&dest).unwrap();
        folder.write("a", b"aa").unwrap();
        folder.write("b", b"bb").unwrap();
        assert!(!dest.exists(), "visible before the commit");
        folder.commit(Durability::Flush).unwrap();
        assert_eq!(names(&dest), ["a", "b"]);
        assert_eq!(std::fs::read(dest.join("a")).unwrap(), b"aa");
        assert_eq!(names(&dir.path().join("deep")), ["out"]);
    }

    #[test]
    fn new_folder_dropped_or_failed_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let folder = NewFolder::create(&dest).unwrap();
        folder.write("a", b"aa").unwrap();
        // A second file of the same name is refused and the first one kept.
        let e = folder.write("a", b"other").unwrap_err();
        assert!(e.to_string().contains("out/a"), "{e}");
        assert_eq!(std::fs::read(folder.stage().join("a")).unwrap(), b"aa");
        folder.discard("a");
        assert!(names(folder.stage()).is_empty());
        drop(folder);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    /// Something made the destination meanwhile: it is neither replaced nor merged into,
    /// even when empty, and nothing of ours is left.
    #[test]
    fn new_folder_never_replaces_what_appeared_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        for existing in [&["theirs"][..], &[]] {
            let dest = dir.path().join("out");
            let folder = NewFolder::create(&dest).unwrap();
            folder.write("a", b"aa").unwrap();
            std::fs::create_dir(&dest).unwrap();
            for name in existing {
                std::fs::write(dest.join(name), b"keep").unwrap();
            }
            assert!(folder.commit(Durability::Rename).is_err());
            assert_eq!(names(&dest), existing);
            assert_eq!(names(dir.path()), ["out"]);
            std::fs::remove_dir_all(&dest).unwrap();
        }
    }

    /// The folder and its files get the modes `mkdir` and a plain `fopen` would give them.
    #[cfg(unix)]
    #[test]
    fn new_folder_modes_are_those_of_plain_files() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let folder = NewFolder::create(&dest).unwrap();
        folder.write("a", b"aa").unwrap();
        folder.commit(Durability::Rename).unwrap();
        let plain_dir = dir.path().join("plain");
        std::fs::create_dir(&plain_dir).unwrap();
        std::fs::write(plain_dir.join("a"), b"aa").unwrap();
        assert_eq!(mode(&dest), mode(&plain_dir));
        assert_eq!(mode(&dest.join("a")), mode(&plain_dir.join("a")));
        assert_eq!(mode(&dest.join("a")) & 0o444, 0o444);
    }

    #[test]
    fn failure_to_stage_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, b"old").unwrap();
        let missing = dir.path().join("no/such/dir/b");
        assert!(write_all_atomic(&[(a.clone(), b"new"), (missing, b"x")]).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
    }

    #[test]
    fn leftover_names_are_recognised_strictly() {
        assert_eq!(leftover_pid(".cfgfmt-4242-aB3xYz"), Some(4242));
        for not_ours in [
            ".cfgfmt-aB3xYz",
            ".cfgfmt-0-aB3xYz",
            ".cfgfmt-042-aB3xYz",
            ".cfgfmt-+42-aB3xYz",
            ".cfgfmt-42-aB3xY",
            ".cfgfmt-42-aB3x.z",
            "cfgfmt-42-aB3xYz",
            "gk0014f28dd38a",
        ] {
            assert_eq!(leftover_pid(not_ours), None, "{not_ours}");
        }
        assert!(temp_prefix().starts_with(&format!(".cfgfmt-{}-", std::process::id())));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_dead_runs_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // A pid no process has: above the kernel's pid_max (4194304 at most).
        let dead = 4_194_305u32;
        let file = format!(".cfgfmt-{dead}-aaaaaa");
        let folder = format!(".cfgfmt-{dead}-bbbbbb");
        std::fs::write(dir.path().join(&file), b"x").unwrap();
        std::fs::create_dir(dir.path().join(&folder)).unwrap();
        std::fs::write(dir.path().join(&folder).join("gk0014f28dd38a"), b"x").unwrap();
        // Ours (this process, running), a live process's (pid 1), an older name form, a
        // profile: all stay.
        let live = [
            format!(".cfgfmt-{}-cccccc", std::process::id()),
            ".cfgfmt-1-dddddd".to_string(),
            ".cfgfmt-eeeeee".to_string(),
            "gk0014f28dd38a".to_string(),
        ];
        for n in &live {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        assert_eq!(remove_leftovers(dir.path()), 2);
        let mut left = names(dir.path());
        left.sort();
        let mut want: Vec<String> = live.to_vec();
        want.sort();
        assert_eq!(left, want);
        // A staged file is named so.
        let s = Staged::new(&dir.path().join("x.cfg"), b"1").unwrap();
        let name = s.tmp.file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(leftover_pid(&name), Some(std::process::id()), "{name}");
    }

    #[test]
    fn bounded_reads_up_to_the_limit_and_no_further() {
        let limit = Limit::new(10, "not a test input");
        assert_eq!(
            read_bounded_from("x", &[7u8; 10][..], limit).unwrap(),
            [7u8; 10]
        );
        let e = read_bounded_from("x", &[7u8; 11][..], limit).unwrap_err();
        assert_eq!(e.to_string(), "x: more than 10 bytes; not a test input");
        // An endless input stops one byte past the limit.
        let e = read_bounded_from("/dev/zero", std::io::repeat(0), Limit::FIRMWARE).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: more than 64 MiB; not a firmware file"
        );
        assert_eq!(read_bounded_from("x", &b""[..], limit).unwrap(), b"");
    }

    #[test]
    fn bounded_refuses_a_large_regular_file_before_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, [1u8; 5000]).unwrap();
        let e = read_bounded(&path, Limit::KEY).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: 5000 bytes, more than 4 KiB; not a key file",
                path.display()
            )
        );
        assert_eq!(
            read_bounded(&path, Limit::new(5000, "-")).unwrap().len(),
            5000
        );
        let e = read_bounded(&dir.path().join("none"), Limit::KEY).unwrap_err();
        assert!(matches!(e, ReadError::Io { .. }), "{e}");
    }

    #[test]
    fn bounded_in_chunks_ends_with_the_limit_inside_an_io_error() {
        use std::io::Read;
        let mut r = Bounded::new(std::io::repeat(1), "<stdin>", Limit::new(100, "not small"));
        let mut sink = Vec::new();
        let e = r.read_to_end(&mut sink).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(sink.len() <= 100, "{}", sink.len());
        let e = ReadError::io("<stdin>", e);
        assert_eq!(e.to_string(), "<stdin>: more than 100 bytes; not small");
    }

    #[test]
    fn a_head_then_the_rest_is_the_whole_input_within_the_same_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for head_len in [0, 1, 4096, 99_999, 100_000, 200_000] {
            let mut r = open_bounded(&path, Limit::new(100_000, "x")).unwrap();
            let head = r.read_head(head_len).unwrap();
            assert_eq!(head.len(), head_len.min(data.len()));
            assert_eq!(r.read_rest(head).unwrap(), data);
        }
        // One byte over, with a reader that does not know the size.
        let mut r = Bounded::new(&data[..], "pipe", Limit::new(99_999, "x"));
        let head = r.read_head(10).unwrap();
        let e = r.read_rest(head).unwrap_err();
        assert_eq!(e.to_string(), "pipe: more than 99999 bytes; x");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(64 << 20), "64 MiB");
        assert_eq!(size_text(4096), "4 KiB");
        assert_eq!(size_text(120_000), "120000 bytes");
        assert_eq!(size_text(1000), "1000 bytes");
    }
}
