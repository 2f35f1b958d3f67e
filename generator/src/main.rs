//! The `payspec` command line.

fn main() -> std::process::ExitCode {
    payspec::cli::run()
}
