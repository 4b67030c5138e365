//! Shared by the `acquire_*` tests: fake kernel trees, `.deb` packages built
//! with the same crates the code reads them with, `Packages.xz` indexes,
//! `InRelease` files signed by a key generated here (with the OpenPGP crate
//! the code verifies with), and a loopback HTTP server standing in for a
//! Debian mirror.
#![allow(dead_code)]

use leafdiff_kernel::extract::read_files;
use leafdiff_kernel::pin::Pin;
use leafdiff_kernel::settings::{KernelItem, Matrix, Settings};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, EncryptionCaps, KeyType, SecretKeyParamsBuilder,
    SignedPublicKey, SignedSecretKey, SubkeyParamsBuilder,
};
use pgp::ser::Serialize;
use pgp::types::Password;

/// Every file the harness reads, plus a Makefile saying `version`
/// (VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION).
pub fn tree_files(version: (u32, u32, u32, &str)) -> Vec<(String, Vec<u8>)> {
    let (v, p, s, extra) = version;
    let mut files: Vec<(String, Vec<u8>)> = read_files()
        .iter()
        .map(|rel| (rel.to_string(), format!("/* fake {rel} */\n").into_bytes()))
        .collect();
    let makefile = format!(
        "# SPDX-License-Identifier: GPL-2.0\nVERSION = {v}\nPATCHLEVEL = {p}\nSUBLEVEL = {s}\nEXTRAVERSION = {extra}\nNAME = Test\n"
    );
    files.push(("Makefile".into(), makefile.into_bytes()));
    files
}

pub fn write_tree(root: &Path, files: &[(String, Vec<u8>)]) {
    for (rel, data) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Compression {
    Xz,
    Gz,
    Zst,
}

/// A `.deb` whose data member holds `usr/src/<headers_dir>/<files>`, a
/// dangling symlink (the real packages have some) and a file outside
/// `usr/src/`, laid out as dpkg-deb writes them (`./`-prefixed paths).
pub fn build_deb(
    headers_dir: &str,
    files: &[(String, Vec<u8>)],
    compression: Compression,
) -> Vec<u8> {
    let mut data = tar::Builder::new(Vec::new());
    for dir in [
        "./",
        "./usr/",
        "./usr/src/",
        &format!("./usr/src/{headers_dir}/"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        data.append_data(&mut h, dir, std::io::empty()).unwrap();
    }
    for (rel, bytes) in files {
        append_file(&mut data, &format!("./usr/src/{headers_dir}/{rel}"), bytes);
    }
    append_file(&mut data, "./usr/share/doc/linux/copyright", b"GPL-2.0\n");
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    link.set_mode(0o777);
    data.append_link(
        &mut link,
        format!("./usr/src/{headers_dir}/scripts"),
        "../../lib/linux-kbuild/scripts",
    )
    .unwrap();
    let data = data.into_inner().unwrap();

    let mut control = tar::Builder::new(Vec::new());
    append_file(
        &mut control,
        "./control",
        b"Package: linux-headers-test-common\nVersion: 1\n",
    );
    let control = xz(&control.into_inner().unwrap());

    let (data_name, data) = match compression {
        Compression::Xz => ("data.tar.xz", xz(&data)),
        Compression::Gz => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&data).unwrap();
            ("data.tar.gz", enc.finish().unwrap())
        }
        Compression::Zst => (
            "data.tar.zst",
            ruzstd::encoding::compress_to_vec(
                &data[..],
                ruzstd::encoding::CompressionLevel::Fastest,
            ),
        ),
    };
    let mut deb = ar::Builder::new(Vec::new());
    for (name, bytes) in [
        ("debian-binary", b"2.0\n".to_vec()),
        ("control.tar.xz", control),
        (data_name, data),
    ] {
        let header = ar::Header::new(name.as_bytes().to_vec(), bytes.len() as u64);
        deb.append(&header, &bytes[..]).unwrap();
    }
    deb.into_inner().unwrap()
}

fn append_file(tar: &mut tar::Builder<Vec<u8>>, path: &str, bytes: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_mode(0o644);
    h.set_size(bytes.len() as u64);
    tar.append_data(&mut h, path, bytes).unwrap();
}

pub fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = xz2::write::XzEncoder::new(Vec::new(), 1);
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn pool_path(package: &str, version: &str) -> String {
    format!("pool/main/l/linux/{package}_{version}_all.deb")
}

/// A `Packages` stanza for `deb`, as the archive writes it (fields we do not
/// read included).
pub fn stanza(package: &str, version: &str, deb: &[u8]) -> String {
    format!(
        "Package: {package}\nSource: linux\nVersion: {version}\nArchitecture: all\n\
         Description: Common header files\n for testing\nFilename: {}\nSize: {}\nMD5sum: 00\nSHA256: {}\n",
        pool_path(package, version),
        deb.len(),
        sha256_hex(deb)
    )
}

pub fn index_path(suite: &str) -> String {
    format!("dists/{suite}/{}", index_rel("all"))
}

/// An index path relative to `dists/<suite>/`.
pub fn index_rel(arch: &str) -> String {
    format!("main/binary-{arch}/Packages.xz")
}

pub fn inrelease_path(suite: &str) -> String {
    format!("dists/{suite}/InRelease")
}

// ---------------------------------------------------------------------------
// Signing

fn generate_key(uid: &str) -> SignedSecretKey {
    let mut params = SecretKeyParamsBuilder::default();
    params
        .key_type(KeyType::Ed25519Legacy)
        .can_certify(true)
        .can_sign(true)
        .primary_user_id(uid.into());
    params
        .build()
        .unwrap()
        .generate(rand::thread_rng())
        .unwrap()
}

/// A certify-only primary key with a signing subkey, as Debian's archive
/// keys are, and a keyring file holding it; `(key, keyring, its dir)`.
pub fn subkey_signer() -> (SignedSecretKey, PathBuf, tempfile::TempDir) {
    let mut sub = SubkeyParamsBuilder::default();
    sub.key_type(KeyType::Ed25519Legacy)
        .can_sign(true)
        .can_encrypt(EncryptionCaps::None)
        .can_authenticate(false);
    let mut params = SecretKeyParamsBuilder::default();
    params
        .key_type(KeyType::Ed25519Legacy)
        .can_certify(true)
        .can_sign(false)
        .primary_user_id("Test Archive With Subkey <subkey@test.invalid>".into())
        .subkeys(vec![sub.build().unwrap()]);
    let key = params
        .build()
        .unwrap()
        .generate(rand::thread_rng())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keyring = dir.path().join("subkey-keyring.gpg");
    let public = SignedPublicKey::from(key.clone());
    std::fs::write(&keyring, public.to_bytes().unwrap()).unwrap();
    (key, keyring, dir)
}

/// `text` clearsigned by the first subkey of `key`.
pub fn clearsign_with_subkey(text: &str, key: &SignedSecretKey) -> String {
    CleartextSignedMessage::sign(
        rand::thread_rng(),
        text,
        &key.secret_subkeys[0].key,
        &Password::empty(),
    )
    .unwrap()
    .to_armored_string(ArmorOptions::default())
    .unwrap()
}

/// The archive key of the tests, and a keyring file holding only it
/// (binary, as Debian ships its keyring).
pub struct TestKeys {
    pub archive: SignedSecretKey,
    /// A key that is not in the keyring.
    pub stranger: SignedSecretKey,
    pub keyring: PathBuf,
    _dir: tempfile::TempDir,
}

/// Generated once per test binary.
pub fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let archive = generate_key("Test Archive Signing Key <archive@test.invalid>");
        let stranger = generate_key("Not The Archive <stranger@test.invalid>");
        let dir = tempfile::tempdir().unwrap();
        let keyring = dir.path().join("test-archive-keyring.gpg");
        let public = SignedPublicKey::from(archive.clone());
        std::fs::write(&keyring, public.to_bytes().unwrap()).unwrap();
        TestKeys {
            archive,
            stranger,
            keyring,
            _dir: dir,
        }
    })
}

/// The fingerprint leafdiff reports for a key, upper-case hex.
pub fn fingerprint(key: &SignedSecretKey) -> String {
    use pgp::types::KeyDetails;
    format!("{:X}", key.fingerprint())
}

/// `text` clearsigned by `key`, as an `InRelease` is.
pub fn clearsign(text: &str, key: &SignedSecretKey) -> String {
    CleartextSignedMessage::sign(
        rand::thread_rng(),
        text,
        &key.primary_key,
        &Password::empty(),
    )
    .unwrap()
    .to_armored_string(ArmorOptions::default())
    .unwrap()
}

/// A `Release` text for `suite` listing `files` (path relative to
/// `dists/<suite>/`, contents), valid until `valid_until` when given.
pub fn release_text(suite: &str, files: &[(String, Vec<u8>)], valid_until: Option<&str>) -> String {
    let mut s = format!(
        "Origin: Debian\nLabel: Debian\nSuite: {suite}\nCodename: {suite}\n\
         Date: Sat, 28 Nov 2026 14:09:31 UTC\n"
    );
    if let Some(v) = valid_until {
        s.push_str(&format!("Valid-Until: {v}\n"));
    }
    s.push_str("Architectures: all amd64\nComponents: main\nMD5Sum:\n");
    for (path, bytes) in files {
        s.push_str(&format!(" 00 {} {path}\n", bytes.len()));
    }
    s.push_str("SHA256:\n");
    for (path, bytes) in files {
        s.push_str(&format!(" {} {} {path}\n", sha256_hex(bytes), bytes.len()));
    }
    s
}

/// A far-future Valid-Until, so the good chain never expires.
pub const VALID: &str = "Sat, 01 Jan 2100 00:00:00 UTC";

/// Routes for one suite: its signed `InRelease` and the `Packages.xz` of
/// `binary-all` listing `stanzas`.
pub fn suite_routes(suite: &str, stanzas: &[String]) -> Vec<(String, Route)> {
    let index = packages_xz(stanzas);
    let release = release_text(suite, &[(index_rel("all"), index.clone())], Some(VALID));
    vec![
        (index_path(suite), Route::Body(index)),
        (
            inrelease_path(suite),
            Route::Body(clearsign(&release, &keys().archive).into_bytes()),
        ),
    ]
}

/// The package's stanzas joined into a compressed index.
pub fn packages_xz(stanzas: &[String]) -> Vec<u8> {
    xz(stanzas.join("\n").as_bytes())
}

/// A fake package: its `.deb` and everything needed to list and pin it.
pub struct FakePackage {
    pub package: String,
    pub version: String,
    pub deb: Vec<u8>,
}

impl FakePackage {
    /// `linux-headers-<upstream>-common` at `version`, with a complete tree.
    pub fn new(upstream: &str, version: &str, makefile: (u32, u32, u32, &str)) -> Self {
        let package = format!("linux-headers-{upstream}-common");
        let deb = build_deb(&package, &tree_files(makefile), Compression::Xz);
        FakePackage {
            package,
            version: version.into(),
            deb,
        }
    }

    pub fn stanza(&self) -> String {
        stanza(&self.package, &self.version, &self.deb)
    }

    pub fn pool_path(&self) -> String {
        pool_path(&self.package, &self.version)
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.deb)
    }

    pub fn pin(&self, suite: &str) -> Pin {
        Pin {
            series: series_of(&self.package),
            package: self.package.clone(),
            version: self.version.clone(),
            filename: self.pool_path(),
            sha256: self.sha256(),
            suite: suite.into(),
        }
    }

    pub fn deb_basename(&self) -> String {
        self.pool_path().rsplit('/').next().unwrap().to_string()
    }
}

fn series_of(package: &str) -> String {
    let up = package
        .trim_start_matches("linux-headers-")
        .trim_end_matches("-common");
    let up = up.split('+').next().unwrap();
    up.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// What the fake mirror answers for a path.
#[derive(Clone)]
pub enum Route {
    Body(Vec<u8>),
    /// Announces `claimed` bytes, sends `body`, then closes the connection.
    Truncated {
        body: Vec<u8>,
        claimed: usize,
    },
}

/// A loopback HTTP server standing in for a mirror at `<url>` = `http://127.0.0.1:PORT/debian`.
/// It answers at most `max_requests` requests, then stops listening.
pub struct FakeMirror {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FakeMirror {
    pub fn start(routes: HashMap<String, Route>, max_requests: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/debian", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            // A failed accept still counts, so the thread always ends.
            for stream in listener.incoming().take(max_requests).flatten() {
                answer(stream, &routes, &log);
            }
        });
        FakeMirror { url, requests }
    }

    /// Paths requested so far, relative to the mirror.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, routes: &HashMap<String, Route>, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request_line.split(' ').nth(1).unwrap_or("");
    let path = target
        .strip_prefix("/debian/")
        .unwrap_or(target)
        .to_string();
    log.lock().unwrap().push(path.clone());
    let (status, claimed, body) = match routes.get(&path) {
        Some(Route::Body(b)) => ("200 OK", b.len(), b.clone()),
        Some(Route::Truncated { body, claimed }) => ("200 OK", *claimed, body.clone()),
        None => ("404 Not Found", 0, Vec::new()),
    };
    let head =
        format!("HTTP/1.1 {status}\r\nContent-Length: {claimed}\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A URL on which nothing listens: any network use fails at once.
pub fn dead_mirror() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/debian")
}

pub fn settings(cache: &Path, mirror: &str, kernels: Vec<KernelItem>, offline: bool) -> Settings {
    Settings {
        kernels,
        patches: vec![],
        cache_dir: cache.to_path_buf(),
        offline,
        mirror: Some(mirror.to_string()),
        matrix: Matrix::Pairwise,
        base: false,
        keyring: keys().keyring.clone(),
        arches: leafdiff_kernel::arch::ALL.to_vec(),
    }
}

/// Every file under `dir`, relative, sorted; empty when `dir` does not exist.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Collects log lines for assertions.
#[derive(Default)]
pub struct Log(pub Vec<String>);

impl Log {
    pub fn sink(&mut self) -> impl FnMut(&str) + '_ {
        |line: &str| self.0.push(line.to_string())
    }

    pub fn joined(&self) -> String {
        self.0.join("\n")
    }
}

pub fn trees_dir(cache: &Path) -> PathBuf {
    cache.join("trees")
}
