//! The `srdi-board` command: serve, demo, migrate, user, backup.

fn main() -> std::process::ExitCode {
    srdi_board::cli::main()
}
