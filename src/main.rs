use std::process::ExitCode;

fn main() -> ExitCode {
    notice::cli::run()
}
