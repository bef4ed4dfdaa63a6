// Rebuild when an embedded template or font changes (include_dir and
// include_bytes! do not always tell cargo).
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=fonts");
    println!("cargo:rerun-if-changed=src/title/words.txt");
}
