//! Files only this server's own user may read: the data directory, the
//! SQLite database (it holds password hashes and sessions) with its WAL
//! files, and the development session key. They are made owner-only when
//! created, and put back to owner-only when found with wider modes (a
//! copy, a restore from backup, an older version that did not care).

use std::io;
use std::path::Path;

/// Directory mode: owner only.
pub const DIR_MODE: u32 = 0o700;
/// File mode: owner read and write.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and its parents) when missing; makes `dir` itself
/// owner-only either way.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(DIR_MODE);
        }
        builder.create(dir)?;
    }
    set_mode(dir, DIR_MODE)
}

/// Makes an existing file owner-only; a missing file is left missing.
pub fn private_file_if_present(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(_) => set_mode(path, FILE_MODE),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates an empty owner-only file when missing (so that SQLite, which
/// gives its WAL files the database file's mode, never makes them readable
/// by others); makes it owner-only either way.
pub fn private_file(path: &Path) -> io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(FILE_MODE);
    }
    opts.open(path)?;
    set_mode(path, FILE_MODE)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn wide_modes_are_narrowed_and_new_ones_are_private() {
        let root = std::env::temp_dir().join(format!("sx-files-{}", uuid::Uuid::new_v4()));
        let dir = root.join("data");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        let file = dir.join("x.db");
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::write(&file, b"kept").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"kept", "contents kept");

        private_file_if_present(&dir.join("missing")).unwrap();
        assert!(!dir.join("missing").exists());
        std::fs::remove_dir_all(root).unwrap();
    }
}
