//! Git in a scratch folder, for the tests that compare a spec with a committed version.

use std::path::Path;
use std::process::Command;

/// Runs `git args` in `dir` with a throwaway identity and no signing; panics if it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}
