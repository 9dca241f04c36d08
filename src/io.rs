//! Writing outputs atomically: a temporary file in the same folder, then a rename, so a
//! reader (a phone's TFTP server) never sees half a profile and a failure leaves the old
//! file as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Error, Result};

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
    builder.prefix(".cfgfmt-");
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
            .prefix(".cfgfmt-")
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
}
