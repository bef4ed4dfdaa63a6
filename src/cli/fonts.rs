//! `notice fonts`: the face each font role resolves to, and its origin.

use std::process::ExitCode;

use super::common::FontArgs;
use super::print_out;
use crate::gbt9704::Role;

pub fn run(args: FontArgs) -> ExitCode {
    let fonts = args.fonts();
    let mut out = String::new();
    for role in Role::ALL {
        let face = fonts.role(role);
        out += &format!("{}\t{}\t{}\n", role.chinese(), face.family, face.origin);
    }
    let fallback = fonts.fallback();
    out += &format!("fallback\t{}\t{}\n", fallback.family, fallback.origin);
    print_out(out.as_bytes())
}
