//! Builds `web/dist` with npm when it is missing or older than its sources, then
//! generates `assets.rs`: every file of `web/dist` embedded with `include_bytes!`,
//! and a content hash of them all for cache-busting URLs.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// Sources of `web/dist`: when any is newer than the built stylesheet, rebuild.
const SOURCES: &[&str] = &[
    "styles",
    "scripts",
    "package.json",
    "package-lock.json",
    "build.mjs",
];

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let web = manifest_dir.join("../../web");
    let web = web.canonicalize().unwrap_or(web);
    for source in SOURCES {
        println!("cargo:rerun-if-changed={}", web.join(source).display());
    }
    println!("cargo:rerun-if-changed=build.rs");

    // Several target directories (and so several build scripts) may share one
    // web/ at once; the lock stops one deleting dist/ while another reads it.
    let lock = File::create(web.join(".build.lock"))
        .unwrap_or_else(|e| fail(&format!("cannot create web/.build.lock: {e}")));
    lock.lock()
        .unwrap_or_else(|e| fail(&format!("cannot lock web/.build.lock: {e}")));

    let dist = web.join("dist");
    if is_stale(&web, &dist) {
        if needs_install(&web) {
            npm(&web, &["ci", "--no-audit", "--no-fund"]);
        }
        npm(&web, &["run", "build"]);
    }

    let mut files = Vec::new();
    collect_files(&dist, &dist, &mut files);
    files.sort();
    if files.is_empty() {
        fail("web/dist is empty after `npm run build`");
    }

    let mut hasher = Sha256::new();
    let mut table = String::new();
    for (relative, absolute) in &files {
        let bytes = fs::read(absolute)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", absolute.display())));
        hasher.update(relative.as_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
        let _ = writeln!(
            table,
            "    ({relative:?}, Asset {{ bytes: include_bytes!({absolute:?}), content_type: {content_type:?} }}),",
            absolute = absolute.display().to_string(),
            content_type = content_type(relative),
        );
    }
    let version: String = hasher.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let generated = format!(
        "/// A short hash of every embedded file's path and content.\n\
         pub const ASSET_VERSION: &str = {version:?};\n\n\
         /// Every file of `web/dist`, sorted by path.\n\
         static ASSETS: &[(&str, Asset)] = &[\n{table}];\n"
    );
    let out = PathBuf::from(env("OUT_DIR")).join("assets.rs");
    fs::write(&out, generated)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
    drop(lock);
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("cargo did not set {name}")))
}

fn fail(message: &str) -> ! {
    panic!("beacon-govuk: {message}")
}

fn is_stale(web: &Path, dist: &Path) -> bool {
    // app.css is written last but one and exists only after a complete build.
    let Some(built) = modified(&dist.join("app.css")) else {
        return true;
    };
    if !dist.join("govuk-frontend.min.js").is_file() {
        return true;
    }
    SOURCES
        .iter()
        .filter_map(|source| newest(&web.join(source)))
        .any(|changed| changed > built)
}

/// npm records what it installed in node_modules/.package-lock.json; a newer
/// package-lock.json means the pinned versions changed since.
fn needs_install(web: &Path) -> bool {
    let installed = modified(&web.join("node_modules/.package-lock.json"));
    let locked = modified(&web.join("package-lock.json"));
    match (installed, locked) {
        (Some(installed), Some(locked)) => locked > installed,
        _ => true,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn newest(path: &Path) -> Option<SystemTime> {
    let own = modified(path);
    let Ok(entries) = fs::read_dir(path) else {
        return own;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| newest(&entry.path()))
        .chain(own)
        .max()
}

fn npm(web: &Path, args: &[&str]) {
    let status = Command::new("npm").args(args).current_dir(web).status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "`npm {}` in {} failed ({status})",
            args.join(" "),
            web.display()
        )),
        Err(e) if e.kind() == ErrorKind::NotFound => fail(
            "npm is not installed, and web/dist must be built with it: install Node.js and npm \
             (Debian: `apt-get install nodejs npm`), then build again",
        ),
        Err(e) => fail(&format!("cannot run npm: {e}")),
    }
}

fn collect_files(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())));
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .unwrap_or_else(|e| fail(&format!("{} outside dist: {e}", path.display())))
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" if path.ends_with("manifest.json") => "application/manifest+json",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}
