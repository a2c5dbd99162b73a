//! The `charter` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    charter::run()
}
